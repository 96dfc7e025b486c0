package api

import "net/http"

// routeDocs adds to the generated description what the route table does not
// say: query parameters and response bodies of particular routes, keyed by
// "METHOD path".
type routeDoc struct {
	query     []any
	responses map[string]any
}

var routeDocs = map[string]routeDoc{
	http.MethodPut + " /api/campaigns/{id}/sequence": {
		query: []any{map[string]any{"name": "dryRun", "in": "query", "required": false,
			"description": "true: answer what saving this sequence would do to a launched campaign's leads (per step: " +
				"leads already sent it, who keep the version they got; pending jobs that take the new text; pending " +
				"jobs whose due time moves; jobs scheduled or canceled) and change nothing. Reordering stored steps " +
				"is refused with 409 reorder_refused naming the field, in a dry run too.",
			"schema": map[string]string{"type": "boolean"}}},
		responses: map[string]any{"200": map[string]any{
			"description": "Without dryRun: the saved sequence (version, and edit: what the save did). With " +
				"dryRun=true: the edit summary alone.",
			"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{
				"oneOf": []any{sequenceSchema, editSummarySchema}}}},
		}},
	},
}

var stepChangeSchema = map[string]any{"type": "object", "properties": map[string]any{
	"position":       intSchema("position in the new sequence"),
	"from":           intSchema("the stored step's position; 0 for an added step"),
	"change":         map[string]any{"type": "string", "enum": []string{"unchanged", "edited", "added"}},
	"textChanged":    map[string]string{"type": "boolean"},
	"delayChanged":   map[string]string{"type": "boolean"},
	"alreadySent":    intSchema("leads this step already went to; they keep the version they got"),
	"pendingNewText": intSchema("leads whose pending job is this step and takes the new text"),
	"timingChanged":  intSchema("leads whose pending job's due time moves"),
	"scheduled":      intSchema("leads whose pending job becomes this step"),
	"leadsAhead":     intSchema("active leads that have not reached this step yet"),
}}

var editSummarySchema = map[string]any{"type": "object", "title": "EditSummary", "properties": map[string]any{
	"dryRun":     map[string]string{"type": "boolean"},
	"changed":    map[string]string{"type": "boolean"},
	"version":    intSchema("the sequence's version now"),
	"newVersion": intSchema("the version after saving"),
	"steps":      map[string]any{"type": "array", "items": stepChangeSchema},
	"deleted": map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{
		"position": intSchema("the stored step's position"), "alreadySent": intSchema("leads it went to"),
		"canceled": intSchema("pending jobs of this step canceled")}}},
	"leadsCompleted": intSchema("active leads left without a step: their pending job is canceled and they complete"),
	"inFlight":       intSchema("messages being sent right now; they keep the version they were rendered with"),
}}

var sequenceSchema = map[string]any{"type": "object", "title": "Sequence", "properties": map[string]any{
	"campaignId": map[string]string{"type": "string"},
	"steps":      map[string]any{"type": "array", "items": map[string]string{"type": "object"}},
	"version":    intSchema("grows with each change of a launched campaign's sequence"),
	"edit":       editSummarySchema,
}}

func intSchema(description string) map[string]string {
	return map[string]string{"type": "integer", "description": description}
}

// addRouteDoc merges a route's extra documentation into its operation.
func addRouteDoc(rt Route, op map[string]any, params []any) []any {
	d, ok := routeDocs[rt.Method+" "+rt.Path]
	if !ok {
		return params
	}
	if responses, ok := op["responses"].(map[string]any); ok {
		for code, r := range d.responses {
			responses[code] = r
		}
	}
	return append(params, d.query...)
}
