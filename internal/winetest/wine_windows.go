package winetest

import "golang.org/x/sys/windows"

// underWine: Wine's ntdll exports wine_get_version; Windows' never has.
var underWine = windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil
