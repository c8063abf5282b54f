//go:build !windows

package winetest

// underWine is false: Wine runs Windows programs, and this is not one.
const underWine = false
