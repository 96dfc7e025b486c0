// Package ai is Leadbitz's vocabulary for its AI features: ideal-customer-profile (ICP)
// generation, cold-email drafting, reply categorisation and suggested replies.
//
// The app depends only on the small Generator interface and the plain types declared here,
// so HTTP handlers, storage and rate limiting stay outside this package tree. Two
// implementations live in subpackages:
//
//   - openai: any OpenAI-compatible Chat Completions server, with structured outputs;
//   - offline: rules and dictionaries, used when no API key is configured.
//
// Package generator picks one from a Config. Categorisation always runs the cheap, certain
// rules in CategorizeByRules first (see WithRules) and asks a model only for the rest.
//
// Lead fields, website text and inbound email are data, never instructions. This package
// holds the helpers both implementations use to keep it that way: length caps (Clean),
// delimited prompt blocks (DataBlock) and an output check (CheckOutput) that rejects links,
// e-mail addresses, merge tags and placeholders nobody asked for.
package ai
