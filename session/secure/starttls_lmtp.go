package secure

// lmtpPreamble is SMTP's with LHLO for EHLO (RFC 2033): greeting 220,
// LHLO, STARTTLS, 220. Dovecot and Cyrus offer it on port 24.
func lmtpPreamble(d *dialogue, _ PreambleOptions) error {
	return helloPreamble(d, "LHLO")
}
