// Package transcript logs a session, both directions, one escaped line a
// record, for --log and the escape prompt's log command. Its escaping is a
// file format that decodes back to the exact bytes, not a display escaper.
package transcript
