package commands

import (
	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/internal/cardread"
)

// Reading layout cards in tests (package cardread): a card is read back
// into the embed it would have been, so that tests say what a member
// reads — the title, the text, the fields by name, the footer —
// whichever shape the answer has.

// embeds are the cards of r: its embeds, or its layout cards read back.
func embeds(r *discordgo.InteractionResponse) []*discordgo.MessageEmbed {
	return cardread.Embeds(r.Data.Embeds, r.Data.Components)
}

// content is what r says outside its cards.
func content(r *discordgo.InteractionResponse) string {
	return cardread.Content(r.Data.Content, r.Data.Flags, r.Data.Components)
}

// rows are the action rows of r, those inside its containers too, in
// order.
func rows(r *discordgo.InteractionResponse) []discordgo.ActionsRow {
	return cardread.Rows(r.Data.Components)
}

func cardEmbeds(comps []discordgo.MessageComponent) []*discordgo.MessageEmbed {
	return cardread.Cards(comps)
}

func textDisplays(comps []discordgo.MessageComponent) []string { return cardread.Texts(comps) }
