package telnet

// defaultTermType is what Windows Terminal and the console with virtual
// terminal processing emulate; Windows' own OpenSSH client sends the same.
const defaultTermType = "xterm-256color"
