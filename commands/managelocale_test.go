package commands

import (
	"github.com/filmbot/filmbot/locale"
)

// manageEN is the English translator, for tests of the moderators'
// parsers that run without an interaction.
var manageEN = locale.For(locale.English)
