package explain

// The tables. Each note is short (it is shown under the server's line on
// an 80-column terminal) and names the RFC section that defines it.

// httpStatus are the HTTP status codes worth a word (RFC 9110 15, and
// RFC 6585 for 428, 429, 431 and 511).
var httpStatus = map[int]Note{
	100: {"100 Continue: go on and send the request body", "RFC 9110 15.2.1"},
	101: {"101 Switching Protocols: the connection now speaks what Upgrade names", "RFC 9110 15.2.2"},
	200: {"200 OK: it worked; the body is what you asked for", "RFC 9110 15.3.1"},
	201: {"201 Created: a new resource was made; Location says where", "RFC 9110 15.3.2"},
	202: {"202 Accepted: taken in, to be done later", "RFC 9110 15.3.3"},
	204: {"204 No Content: it worked, and there is no body", "RFC 9110 15.3.5"},
	206: {"206 Partial Content: only the byte range you asked for", "RFC 9110 15.3.7"},
	301: {"301 Moved Permanently: the resource moved for good; Location says where", "RFC 9110 15.4.2"},
	302: {"302 Found: the resource is elsewhere; the Location header says where", "RFC 9110 15.4.3"},
	303: {"303 See Other: GET the answer at the Location header", "RFC 9110 15.4.4"},
	304: {"304 Not Modified: your cached copy is still good; no body", "RFC 9110 15.4.5"},
	307: {"307 Temporary Redirect: repeat the same request at Location", "RFC 9110 15.4.8"},
	308: {"308 Permanent Redirect: moved for good; repeat the request at Location", "RFC 9110 15.4.9"},
	400: {"400 Bad Request: the server could not read the request; check its syntax", "RFC 9110 15.5.1"},
	401: {"401 Unauthorized: log in first; WWW-Authenticate says how", "RFC 9110 15.5.2"},
	403: {"403 Forbidden: understood, and refused", "RFC 9110 15.5.4"},
	404: {"404 Not Found: nothing at this path", "RFC 9110 15.5.5"},
	405: {"405 Method Not Allowed: this path does not take that method; Allow lists them", "RFC 9110 15.5.6"},
	406: {"406 Not Acceptable: no version matches your Accept headers", "RFC 9110 15.5.7"},
	408: {"408 Request Timeout: the request did not come in time", "RFC 9110 15.5.9"},
	409: {"409 Conflict: the request clashes with the resource's state", "RFC 9110 15.5.10"},
	410: {"410 Gone: it was here and is gone for good", "RFC 9110 15.5.11"},
	411: {"411 Length Required: send Content-Length with the body", "RFC 9110 15.5.12"},
	413: {"413 Content Too Large: the body is over the server's limit", "RFC 9110 15.5.14"},
	414: {"414 URI Too Long: the path is over the server's limit", "RFC 9110 15.5.15"},
	415: {"415 Unsupported Media Type: the server cannot read this Content-Type", "RFC 9110 15.5.16"},
	416: {"416 Range Not Satisfiable: the byte range is outside the resource", "RFC 9110 15.5.17"},
	421: {"421 Misdirected Request: this server does not serve that Host", "RFC 9110 15.5.20"},
	426: {"426 Upgrade Required: switch protocol first; Upgrade says to what", "RFC 9110 15.5.22"},
	428: {"428 Precondition Required: send the request with If-Match", "RFC 6585 3"},
	429: {"429 Too Many Requests: slow down; Retry-After may say how long", "RFC 6585 4"},
	431: {"431 Request Header Fields Too Large: a header or all of them are too long", "RFC 6585 5"},
	500: {"500 Internal Server Error: the server failed; not your request's fault", "RFC 9110 15.6.1"},
	501: {"501 Not Implemented: the server does not know this method", "RFC 9110 15.6.2"},
	502: {"502 Bad Gateway: a proxy got a bad answer from the server behind it", "RFC 9110 15.6.3"},
	503: {"503 Service Unavailable: busy or down for now; try again later", "RFC 9110 15.6.4"},
	504: {"504 Gateway Timeout: a proxy waited too long for the server behind it", "RFC 9110 15.6.5"},
	505: {"505 HTTP Version Not Supported: write HTTP/1.1 or HTTP/1.0", "RFC 9110 15.6.6"},
	511: {"511 Network Authentication Required: log in to the network (captive portal)", "RFC 6585 6"},
}

// httpClasses are the meanings of a status code's first digit.
var httpClasses = map[byte]Note{
	'1': {"informational; the real answer follows", "RFC 9110 15.2"},
	'2': {"success", "RFC 9110 15.3"},
	'3': {"redirection: look elsewhere, often at Location", "RFC 9110 15.4"},
	'4': {"client error: something is wrong with the request", "RFC 9110 15.5"},
	'5': {"server error: the server failed to answer", "RFC 9110 15.6"},
}

// httpHeaders are the headers worth a word, by lower-case name.
var httpHeaders = map[string]Note{
	"location":          {"Location: where to go next; a redirect's client requests this", "RFC 9110 10.2.2"},
	"content-length":    {"Content-Length: the body is this many bytes; the answer ends after them", "RFC 9110 8.6"},
	"transfer-encoding": {"Transfer-Encoding: how the body is sent; it replaces Content-Length", "RFC 9112 6.1"},
	"connection":        {"Connection: what happens to this connection after the answer", "RFC 9110 7.6.1"},
	"content-type":      {"Content-Type: what kind of data the body is", "RFC 9110 8.3"},
	"www-authenticate":  {"WWW-Authenticate: how to log in, after a 401", "RFC 9110 11.6.1"},
	"retry-after":       {"Retry-After: how long to wait before trying again", "RFC 9110 10.2.3"},
	"upgrade":           {"Upgrade: the protocols this connection could switch to", "RFC 9110 7.8"},
	"allow":             {"Allow: the methods this path takes", "RFC 9110 10.2.1"},
}

// httpHeaderValues are notes for a header with a particular value, by
// "name: value" in lower case.
var httpHeaderValues = map[string]Note{
	"connection: close":          {"Connection: close: the server closes the connection after this answer", "RFC 9112 9.6"},
	"connection: keep-alive":     {"Connection: keep-alive: the connection stays open for your next request", "RFC 9112 9.3"},
	"connection: upgrade":        {"Connection: upgrade: the connection switches to the Upgrade protocol", "RFC 9110 7.8"},
	"transfer-encoding: chunked": {"Transfer-Encoding: chunked: the body comes in chunks, each after its size in hex; 0 ends", "RFC 9112 7.1"},
}

// smtpCodes are SMTP's reply codes (RFC 5321 4.2.3), with the ones that
// AUTH (RFC 4954) and STARTTLS (RFC 3207) add. LMTP uses the same codes,
// with one reply per recipient after the message (RFC 2033 4.2).
var smtpCodes = map[int]Note{
	211: {"211: system status, or a help reply", "RFC 5321 4.2.3"},
	214: {"214: help text for a person to read", "RFC 5321 4.2.3"},
	220: {"220: the server is ready; say EHLO (or HELO)", "RFC 5321 4.2.3"},
	221: {"221: goodbye; the server closes the connection", "RFC 5321 4.2.3"},
	235: {"235: logged in (AUTH succeeded)", "RFC 4954 6"},
	250: {"250: done; the command was accepted", "RFC 5321 4.2.3"},
	251: {"251: not a local user; the server forwards the mail", "RFC 5321 4.2.3"},
	252: {"252: cannot check the user, but will try to deliver", "RFC 5321 4.2.3"},
	334: {"334: AUTH: send the next piece, base64-encoded", "RFC 4954 4"},
	354: {"354: send the message now; a line with only a dot ends it", "RFC 5321 4.2.3"},
	421: {"421: the service is closing; try again later", "RFC 5321 4.2.3"},
	450: {"450: mailbox busy or unavailable for now; try again later", "RFC 5321 4.2.3"},
	451: {"451: local error while processing; try again later", "RFC 5321 4.2.3"},
	452: {"452: the server is short of storage, or too many recipients; try later", "RFC 5321 4.2.3"},
	454: {"454: TLS or AUTH is not available for now", "RFC 3207 4"},
	455: {"455: the server cannot take these parameters now", "RFC 5321 4.2.3"},
	500: {"500: syntax error: the command is not recognized or too long", "RFC 5321 4.2.3"},
	501: {"501: syntax error in the command's arguments", "RFC 5321 4.2.3"},
	502: {"502: this command is not implemented here", "RFC 5321 4.2.3"},
	503: {"503: bad sequence: another command must come first", "RFC 5321 4.2.3"},
	504: {"504: this parameter of the command is not implemented", "RFC 5321 4.2.3"},
	530: {"530: log in (AUTH) or STARTTLS first", "RFC 4954 6"},
	535: {"535: AUTH failed: wrong user name or password", "RFC 4954 6"},
	550: {"550: refused: no such mailbox, or not allowed (policy)", "RFC 5321 4.2.3"},
	551: {"551: not a local user; send it elsewhere", "RFC 5321 4.2.3"},
	552: {"552: too big: over the mailbox's or the server's size limit", "RFC 5321 4.2.3"},
	553: {"553: the mailbox name is not allowed", "RFC 5321 4.2.3"},
	554: {"554: the transaction failed (or no SMTP service here)", "RFC 5321 4.2.3"},
	555: {"555: MAIL FROM or RCPT TO has a parameter the server does not know", "RFC 5321 4.2.3"},
}

// smtpClasses are the meanings of an SMTP code's first digit.
var smtpClasses = map[byte]Note{
	'2': {"success", "RFC 5321 4.2.1"},
	'3': {"go on: the server waits for more", "RFC 5321 4.2.1"},
	'4': {"failed for now; trying again later may work", "RFC 5321 4.2.1"},
	'5': {"failed; do not repeat the command as it is", "RFC 5321 4.2.1"},
}

// ftpCodes are FTP's reply codes (RFC 959 4.2.2), with EPSV (RFC 2428)
// and AUTH TLS (RFC 4217).
var ftpCodes = map[int]Note{
	110: {"110: restart marker reply", "RFC 959 4.2.2"},
	120: {"120: the service will be ready in a few minutes", "RFC 959 4.2.2"},
	125: {"125: data connection already open; transfer starting", "RFC 959 4.2.2"},
	150: {"150: opening the data connection; the transfer follows there", "RFC 959 4.2.2"},
	200: {"200: command okay", "RFC 959 4.2.2"},
	202: {"202: command not needed here; nothing done", "RFC 959 4.2.2"},
	211: {"211: system status, or a help reply", "RFC 959 4.2.2"},
	212: {"212: directory status", "RFC 959 4.2.2"},
	213: {"213: file status (for SIZE and MDTM, the answer)", "RFC 959 4.2.2"},
	214: {"214: help text for a person to read", "RFC 959 4.2.2"},
	215: {"215: the system type (the answer to SYST)", "RFC 959 4.2.2"},
	220: {"220: the server is ready; log in with USER", "RFC 959 4.2.2"},
	221: {"221: goodbye; the server closes the control connection", "RFC 959 4.2.2"},
	225: {"225: data connection open; no transfer in progress", "RFC 959 4.2.2"},
	226: {"226: transfer complete; the data connection is closed", "RFC 959 4.2.2"},
	227: {"227: passive mode: connect to h1,h2,h3,h4,p1,p2 (port = p1*256+p2)", "RFC 959 4.2.2"},
	229: {"229: extended passive mode: connect to the port between the |||", "RFC 2428 3"},
	230: {"230: logged in", "RFC 959 4.2.2"},
	234: {"234: AUTH accepted; start the TLS handshake now", "RFC 4217 4.1"},
	250: {"250: requested file action done", "RFC 959 4.2.2"},
	257: {"257: the quoted path is the directory (PWD, MKD)", "RFC 959 4.2.2"},
	331: {"331: user name okay; send PASS", "RFC 959 4.2.2"},
	332: {"332: send ACCT: an account is needed to log in", "RFC 959 4.2.2"},
	350: {"350: waiting for the next command (RNTO after RNFR, or after REST)", "RFC 959 4.2.2"},
	421: {"421: service not available; the server closes the connection", "RFC 959 4.2.2"},
	425: {"425: cannot open the data connection; try PASV", "RFC 959 4.2.2"},
	426: {"426: the data connection closed; transfer aborted", "RFC 959 4.2.2"},
	450: {"450: file unavailable for now (busy)", "RFC 959 4.2.2"},
	451: {"451: local error; action aborted", "RFC 959 4.2.2"},
	452: {"452: not enough storage on the server", "RFC 959 4.2.2"},
	500: {"500: syntax error: the command is not recognized", "RFC 959 4.2.2"},
	501: {"501: syntax error in the command's arguments", "RFC 959 4.2.2"},
	502: {"502: this command is not implemented here", "RFC 959 4.2.2"},
	503: {"503: bad sequence: another command must come first", "RFC 959 4.2.2"},
	504: {"504: this parameter of the command is not implemented", "RFC 959 4.2.2"},
	530: {"530: not logged in: USER and PASS first", "RFC 959 4.2.2"},
	532: {"532: an account (ACCT) is needed to store files", "RFC 959 4.2.2"},
	550: {"550: no such file or directory, or no permission", "RFC 959 4.2.2"},
	551: {"551: page type unknown; action aborted", "RFC 959 4.2.2"},
	552: {"552: over the storage allocation; action aborted", "RFC 959 4.2.2"},
	553: {"553: the file name is not allowed", "RFC 959 4.2.2"},
}

// ftpClasses are the meanings of an FTP code's first digit.
var ftpClasses = map[byte]Note{
	'1': {"preliminary: another reply follows", "RFC 959 4.2"},
	'2': {"success", "RFC 959 4.2"},
	'3': {"go on: the server waits for another command", "RFC 959 4.2"},
	'4': {"failed for now; trying again may work", "RFC 959 4.2"},
	'5': {"failed; do not repeat the command as it is", "RFC 959 4.2"},
}

// sharedClasses explain a code when the protocol is not known; SMTP and
// FTP give the first digit the same meaning.
var sharedClasses = map[byte]Note{
	'1': {"preliminary: another reply follows (FTP)", "RFC 959 4.2"},
	'2': {"success", "RFC 5321 4.2.1"},
	'3': {"go on: the server waits for more", "RFC 5321 4.2.1"},
	'4': {"failed for now; trying again later may work", "RFC 5321 4.2.1"},
	'5': {"failed; do not repeat the command as it is", "RFC 5321 4.2.1"},
}

// POP3's status indicators and the end of a multi-line answer (RFC 1939
// 3), and its response codes (RFC 2449 8, RFC 3206).
var (
	pop3OK  = Note{"+OK: the command worked", "RFC 1939 3"}
	pop3Err = Note{"-ERR: the command failed; the text after it says why", "RFC 1939 3"}
	pop3End = Note{".: the end of a multi-line answer (a text line starting with . gets another)", "RFC 1939 3"}
)

var pop3Codes = map[string]Note{
	"IN-USE":      {"-ERR [IN-USE]: the maildrop is open in another session", "RFC 2449 8.1"},
	"LOGIN-DELAY": {"-ERR [LOGIN-DELAY]: you logged in too recently; wait before trying again", "RFC 2449 8.1"},
	"SYS/TEMP":    {"[SYS/TEMP]: a temporary problem on the server; try again later", "RFC 3206 4"},
	"SYS/PERM":    {"[SYS/PERM]: a lasting problem on the server; trying again will not help", "RFC 3206 4"},
	"AUTH":        {"[AUTH]: the user name or password was wrong", "RFC 3206 5"},
}

// IMAP's responses (RFC 3501 7).
var imapContinue = Note{"+: the server waits for the rest of your command", "RFC 3501 7.5"}

// imapTagged are the statuses that end a command, by their tag.
var imapTagged = map[string]Note{
	"OK":  {"OK: the command with this tag worked", "RFC 3501 7.1.1"},
	"NO":  {"NO: the command with this tag failed; the text says why", "RFC 3501 7.1.2"},
	"BAD": {"BAD: the command with this tag was not understood (syntax or state)", "RFC 3501 7.1.3"},
}

// imapUntagged are the "* WORD ..." lines.
var imapUntagged = map[string]Note{
	"OK":         {"* OK: information from the server; no command ends here", "RFC 3501 7.1.1"},
	"NO":         {"* NO: a warning from the server", "RFC 3501 7.1.2"},
	"BAD":        {"* BAD: the server could not tell which command was wrong", "RFC 3501 7.1.3"},
	"PREAUTH":    {"* PREAUTH: you are logged in already; no LOGIN needed", "RFC 3501 7.1.4"},
	"BYE":        {"* BYE: the server is closing the connection", "RFC 3501 7.1.5"},
	"CAPABILITY": {"* CAPABILITY: what this server can do", "RFC 3501 7.2.1"},
	"LIST":       {"* LIST: one mailbox: its flags, hierarchy separator and name", "RFC 3501 7.2.2"},
	"LSUB":       {"* LSUB: one subscribed mailbox", "RFC 3501 7.2.3"},
	"STATUS":     {"* STATUS: counts of a mailbox", "RFC 3501 7.2.4"},
	"SEARCH":     {"* SEARCH: the numbers of the messages that match", "RFC 3501 7.2.5"},
	"FLAGS":      {"* FLAGS: the flags messages in this mailbox can have", "RFC 3501 7.2.6"},
}

// imapNumbered are the "* N WORD" lines, by WORD.
var imapNumbered = map[string]Note{
	"EXISTS":  {"* N EXISTS: the mailbox holds N messages", "RFC 3501 7.3.1"},
	"RECENT":  {"* N RECENT: N messages are new since the last session", "RFC 3501 7.3.2"},
	"EXPUNGE": {"* N EXPUNGE: message N was removed; the ones after it move down", "RFC 3501 7.4.1"},
	"FETCH":   {"* N FETCH: data about message N; {size} means that many bytes follow", "RFC 3501 7.4.2"},
}

// imapCodes are response codes in brackets (RFC 3501 7.1, RFC 5530 3).
var imapCodes = map[string]Note{
	"ALERT":                {"[ALERT]: a message the server wants a person to read", "RFC 3501 7.1"},
	"CAPABILITY":           {"[CAPABILITY]: what this server can do, given with the status", "RFC 3501 7.1"},
	"PARSE":                {"[PARSE]: the server could not parse a message's headers", "RFC 3501 7.1"},
	"PERMANENTFLAGS":       {"[PERMANENTFLAGS]: the flags you can change for good", "RFC 3501 7.1"},
	"READ-ONLY":            {"[READ-ONLY]: the mailbox is open, but nothing in it can change", "RFC 3501 7.1"},
	"READ-WRITE":           {"[READ-WRITE]: the mailbox is open and you may change it", "RFC 3501 7.1"},
	"TRYCREATE":            {"[TRYCREATE]: the mailbox does not exist; CREATE it first", "RFC 3501 7.1"},
	"UIDNEXT":              {"[UIDNEXT]: the UID the next new message will get", "RFC 3501 7.1"},
	"UIDVALIDITY":          {"[UIDVALIDITY]: while this stays the same, UIDs stay valid", "RFC 3501 7.1"},
	"UNSEEN":               {"[UNSEEN]: the number of the first message not yet seen", "RFC 3501 7.1"},
	"AUTHENTICATIONFAILED": {"[AUTHENTICATIONFAILED]: wrong user name or password", "RFC 5530 3"},
	"NONEXISTENT":          {"[NONEXISTENT]: no mailbox by that name", "RFC 5530 3"},
}

// Redis replies (RESP, the Redis serialization protocol: Redis has no
// RFC; redisRef names its spec).
const redisRef = "RESP spec (redis.io/docs/latest/develop/reference/protocol-spec)"

var redisErrors = map[string]Note{
	"ERR":         {"-ERR: the command failed; the text says why", redisRef},
	"WRONGTYPE":   {"-WRONGTYPE: the key holds another type of value than this command uses", redisRef},
	"NOAUTH":      {"-NOAUTH: log in first with AUTH", redisRef},
	"WRONGPASS":   {"-WRONGPASS: wrong user name or password", redisRef},
	"NOPERM":      {"-NOPERM: this user may not run this command or touch this key", redisRef},
	"MOVED":       {"-MOVED: cluster: the key lives on the node named after the slot", redisRef},
	"ASK":         {"-ASK: cluster: ask the named node, this once", redisRef},
	"LOADING":     {"-LOADING: the server is still loading its data; try again soon", redisRef},
	"BUSY":        {"-BUSY: a script is running; wait, or SCRIPT KILL it", redisRef},
	"NOSCRIPT":    {"-NOSCRIPT: no script with this SHA1; send it with EVAL first", redisRef},
	"READONLY":    {"-READONLY: this server is a read-only replica", redisRef},
	"OOM":         {"-OOM: out of memory (over maxmemory); the write was refused", redisRef},
	"EXECABORT":   {"-EXECABORT: the transaction was dropped because a command in it failed", redisRef},
	"MISCONF":     {"-MISCONF: saving to disk failed, so writes are refused", redisRef},
	"CROSSSLOT":   {"-CROSSSLOT: cluster: the keys are in different slots", redisRef},
	"CLUSTERDOWN": {"-CLUSTERDOWN: the cluster is down", redisRef},
	"NOPROTO":     {"-NOPROTO: HELLO asked for a protocol version the server lacks", redisRef},
}

var (
	redisErrorOther  = Note{"-: an error; the first word is its kind, the rest says why", redisRef}
	redisSimpleOther = Note{"+: a simple string reply", redisRef}
	redisInteger     = Note{":: an integer reply (a count, a length, or 1/0 for yes/no)", redisRef}
	redisNull        = Note{"_: null (RESP3): no value", redisRef}
	redisNulls       = map[byte]Note{
		'$': {"$-1: null: no such key, or no value", redisRef},
		'*': {"*-1: null array: no value", redisRef},
	}
)

var redisSimple = map[string]Note{
	"OK":     {"+OK: the command worked", redisRef},
	"PONG":   {"+PONG: the answer to PING: the server is alive", redisRef},
	"QUEUED": {"+QUEUED: inside MULTI: the command waits for EXEC", redisRef},
}
