// Package replytext holds the text handling shared by the reply rules in package ai and the
// offline classifier: folding text for phrase matching, splitting a reply from the quoted
// thread and signature under it, and the multilingual phrase lists ("signals") both use.
//
// Patterns are written against folded text (lower case, accents removed, one kind of
// apostrophe), so one pattern covers "désinscrire" and "desinscrire".
package replytext
