package term

// platformStateDir is where per-user state lives when neither
// XDG_STATE_HOME nor HOME is set, as on Windows: the local (not roaming)
// application data folder, which os.UserCacheDir also uses.
func platformStateDir(getenv func(string) string) string {
	return getenv("LOCALAPPDATA")
}
