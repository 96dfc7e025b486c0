package csv

import (
	"bytes"
	"fmt"
	"io"
	"testing"
)

// benchFile generates an import file of n rows × 10 columns that looks like
// an Apollo export: mixed-case emails, quoted companies with commas, URLs
// without scheme, formatted phone numbers.
func benchFile(n int) []byte {
	var b bytes.Buffer
	b.WriteString("Email,First Name,Last Name,Company,Title,Website,Person Linkedin Url,Phone,Country,Industry\r\n")
	titles := []string{"CEO", "Head of Sales", "VP Engineering", "Founder", "Marketing Manager"}
	countries := []string{"United States", "France", "Germany", "United Kingdom", "Spain"}
	for i := range n {
		fmt.Fprintf(&b, "First.Last%d@Company%d.example.com,First%d,Last%d,\"Company %d, Inc.\",%s,www.company%d.example.com,linkedin.com/in/first-last-%d,+1 (415) 555-%04d,%s,Software\r\n",
			i, i%5000, i, i, i%5000, titles[i%len(titles)], i%5000, i, i%10000, countries[i%len(countries)])
	}
	return b.Bytes()
}

// BenchmarkImportReader measures reading, mapping and normalising a
// 100,000-row file. The whole import must reach 50,000 rows/s on Postgres,
// database writes included, so the reader needs a large margin.
func BenchmarkImportReader(b *testing.B) {
	const rows = 100_000
	data := benchFile(rows)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		ir, err := NewReader(bytes.NewReader(data), Options{})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			row, err := ir.Next()
			if err == io.EOF {
				break
			}
			if err != nil || row.Err != nil {
				b.Fatal(err, row.Err)
			}
			n++
		}
		if n != rows {
			b.Fatalf("read %d rows", n)
		}
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkCountRows measures the first pass that gives rowsTotal.
func BenchmarkCountRows(b *testing.B) {
	const rows = 100_000
	data := benchFile(rows)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		n, err := CountRows(bytes.NewReader(data), Options{})
		if err != nil || n != rows {
			b.Fatal(n, err)
		}
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}
