package web

import (
	"math"
	"strconv"
)

// chart is a bar chart the server draws as inline SVG (docs/ui.md §5: no
// charting script, nothing for the CSP to allow). Colours come from CSS
// classes; every bar has a <title> tooltip, and the numbers are also in a
// table for screen readers.
type chart struct {
	Title   string // accessible name
	Width   int
	Height  int
	Bars    []chartBar
	Lines   []chartLine // reference lines: a cap
	XLabels []chartLabel
	YTicks  []chartLabel
	Series  []chartSeries // the legend
	Rows    []chartRow    // the same numbers as a table
}

type chartBar struct {
	X, Y, W, H float64
	Class      string
	Tip        string
}

type chartLine struct {
	X1, X2, Y float64
	Label     string
	LabelX    float64
	Class     string
}

type chartLabel struct {
	X, Y float64
	At   float64 // a y tick's gridline
	Text string
}

// chartSeries is one kind of bar: its CSS class and its name.
type chartSeries struct {
	Class, Name string
}

type chartRow struct {
	Label  string
	Values []int
}

// chartSpec is what newChart draws: one label per slot, a value per series
// and slot, stacked (parts of one whole) or side by side.
type chartSpec struct {
	Title   string
	Labels  []string // one per slot, e.g. "3 Mar"
	Series  []chartSeries
	Values  [][]int // [series][slot]
	Stacked bool
	Cap     int // a horizontal line at this value, 0 for none
	CapText string
	Unit    string // "emails" for tooltips
	// LabelEvery shows one slot label in so many, so 30 days stay legible.
	LabelEvery int
}

// Chart geometry, in SVG user units (the SVG scales to its box).
const (
	chartWidth   = 720
	chartHeight  = 220
	chartLeft    = 36
	chartRight   = 8
	chartTop     = 12
	chartBottom  = 26
	chartBarFill = 0.72 // share of a slot the bars take
)

func newChart(s chartSpec) chart {
	c := chart{Title: s.Title, Width: chartWidth, Height: chartHeight, Series: s.Series}
	slots := len(s.Labels)
	if slots == 0 {
		return c
	}
	top := s.Cap
	for i := range slots {
		sum := 0
		for k := range s.Values {
			sum += s.Values[k][i]
			if !s.Stacked {
				top = max(top, s.Values[k][i])
			}
		}
		if s.Stacked {
			top = max(top, sum)
		}
	}
	scaleMax, step := niceScale(top)
	plotW := float64(chartWidth - chartLeft - chartRight)
	plotH := float64(chartHeight - chartTop - chartBottom)
	y := func(v int) float64 { return chartTop + plotH - float64(v)/float64(scaleMax)*plotH }
	slotW := plotW / float64(slots)
	every := max(s.LabelEvery, 1)
	for i, label := range s.Labels {
		x0 := chartLeft + float64(i)*slotW
		barsW := slotW * chartBarFill
		row := chartRow{Label: label}
		base := 0
		for k := range s.Values {
			v := s.Values[k][i]
			row.Values = append(row.Values, v)
			bar := chartBar{Class: s.Series[k].Class, Tip: label + ": " + formatInt(v) + " " + s.Series[k].Name}
			if s.Stacked {
				bar.X, bar.W = x0+(slotW-barsW)/2, barsW
				bar.Y, bar.H = y(base+v), y(base)-y(base+v)
				base += v
			} else {
				w := barsW / float64(len(s.Values))
				bar.X, bar.W = x0+(slotW-barsW)/2+float64(k)*w, w
				bar.Y, bar.H = y(v), y(0)-y(v)
			}
			if v > 0 {
				c.Bars = append(c.Bars, round(bar))
			}
		}
		c.Rows = append(c.Rows, row)
		if i%every == 0 {
			c.XLabels = append(c.XLabels, chartLabel{X: roundTo(x0 + slotW/2), Y: chartHeight - 8, Text: label})
		}
	}
	for v := 0; v <= scaleMax; v += step {
		c.YTicks = append(c.YTicks, chartLabel{X: chartLeft - 6, Y: roundTo(y(v) + 4), At: roundTo(y(v)), Text: formatInt(v)})
	}
	if s.Cap > 0 {
		c.Lines = append(c.Lines, chartLine{X1: chartLeft, X2: chartWidth - chartRight, Y: roundTo(y(s.Cap)),
			Label: s.CapText, LabelX: chartWidth - chartRight - 4, Class: "chart-cap"})
	}
	return c
}

// niceScale rounds a maximum up to 1, 2 or 5 times a power of ten, with a
// tick step that gives four or five gridlines.
func niceScale(top int) (scaleMax, step int) {
	if top <= 4 {
		return 4, 1
	}
	raw := float64(top) / 4
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if s := m * mag; s >= raw {
			step = int(s)
			break
		}
	}
	step = max(step, 1)
	scaleMax = (top + step - 1) / step * step
	return scaleMax, step
}

func round(b chartBar) chartBar {
	b.X, b.Y, b.W, b.H = roundTo(b.X), roundTo(b.Y), roundTo(b.W), roundTo(b.H)
	return b
}

// roundTo keeps one decimal: enough for a crisp SVG, short in the HTML.
func roundTo(f float64) float64 { return math.Round(f*10) / 10 }

// svgNum writes a coordinate for an SVG attribute.
func svgNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
