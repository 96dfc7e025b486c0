// Package template parses and renders the subject and body templates of a
// campaign's sequence steps.
//
// It is pure (no database, no I/O) so the same code checks a template when a
// sequence is saved (422 with the position of the error), refuses a launch
// while a lead lacks a value a tag needs, previews a step for a lead, and
// renders the text the send engine sends. The package is named after what it
// holds; code that also imports html/template or text/template imports this
// one as, for example, msgtemplate.
//
// # Syntax
//
// Merge tags insert a lead field:
//
//	{{firstName}}  {{lastName}}  {{company}}  {{title}}  {{website}}  {{email}}
//	{{linkedinUrl}}  {{phone}}  {{custom.key}}
//
// Names are case-insensitive and may be written with underscores, so
// {{FirstName}} and {{first_name}} are {{firstName}}; {{companyName}} is
// accepted for {{company}}. Spaces around names and inside the braces are
// ignored. Custom keys are looked up exactly first, then case-insensitively.
// An unknown name is a syntax error, so a typo is caught when the sequence is
// saved instead of sending an empty string.
//
// A pipeline after the name transforms the value or supplies a fallback:
//
//	{{firstName | "there"}}            fallback when the lead has no first name
//	{{ firstName | 'there' }}          single quotes work too
//	{{company | capitalize | "your team"}}
//
// Stages run left to right. A quoted stage replaces an empty value (a value
// that is empty after trimming spaces) and leaves a non-empty one alone; the
// filters lower, upper and capitalize (first letter upper-case) change the
// value. Inside quotes, a backslash escapes the quote character or itself.
// A tag with at least one quoted stage, even "", has a fallback; a tag
// without one needs a value: MissingFields lists the fields a lead lacks and
// Render refuses to produce text with a hole in it.
//
// Spintax picks one of several alternatives: {Hi|Hello|Hey}. Alternatives
// may be empty ({Quick |}question) and may nest ({Hi|{Hello|Hey} there}) and
// hold merge tags. A group needs at least two alternatives, so {company}
// (a likely typo of {{company}}) is a syntax error. The choice is made from
// a seed (see Seed: lead, step and variant), so a retry renders the same text
// and different leads get different wording. When a spintax group starts
// with a merge tag, write the three braces together: {{{firstName}}|there}
// opens a group whose first alternative is {{firstName}}.
//
// A backslash makes the next brace, pipe or backslash literal: \{ \} \| \\.
// Any other backslash is kept as it is. Outside spintax a | is plain text.
package template
