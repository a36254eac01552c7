package bot

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

// fastInteraction decodes the interactions an Interactions Endpoint gets
// most, application commands and autocompletes, in one pass over the
// body, without reflection: what discordgo's decoder (encoding/json,
// twice: the interaction, then its data) costs is the largest part of
// filmbot's CPU per interaction over HTTP after the signature check
// (BenchmarkDecodeInteraction, `filmbot bench --minimal`).
//
// It decodes only what it can decode exactly as json.Unmarshal into a
// discordgo.InteractionCreate would, and reports false for anything else,
// which the caller then decodes the long way: other kinds of interaction,
// a key not in Discord's snake_case or seen twice, a string with an
// escape or not UTF-8, a number out of its field's range or not an
// integer where one is due, resolved data, a message, entitlements,
// anything invalid (so that the long way's error is the one reported).
// Keys it does not know are skipped, their values checked as JSON.
// FuzzFastInteraction holds it to json.Unmarshal.
func fastInteraction(body []byte) (*discordgo.Interaction, bool) {
	d := fastDecoder{b: body}
	i := new(discordgo.Interaction)
	var data []byte
	var seen uint32
	ok := d.object(func(key []byte) bool {
		f, known := interactionFields[string(key)]
		if !known {
			return d.skip(0)
		}
		if seen&(1<<f) != 0 {
			return false
		}
		seen |= 1 << f
		if d.null() {
			// A null leaves the field as it was: zero, nil.
			return f != fAppPermissions // ",string": left to the long way
		}
		switch f {
		case fID:
			return d.str(&i.ID)
		case fAppID:
			return d.str(&i.AppID)
		case fType:
			n, ok := d.uint(8)
			i.Type = discordgo.InteractionType(n)
			return ok
		case fData:
			start := d.p
			if !d.skip(0) {
				return false
			}
			data = body[start:d.p]
			return true
		case fGuildID:
			return d.str(&i.GuildID)
		case fChannelID:
			return d.str(&i.ChannelID)
		case fAppPermissions:
			n, ok := d.quotedInt()
			i.AppPermissions = n
			return ok
		case fMember:
			i.Member = new(discordgo.Member)
			return d.member(i.Member)
		case fUser:
			i.User = new(discordgo.User)
			return d.user(i.User)
		case fLocale:
			return d.str((*string)(&i.Locale))
		case fGuildLocale:
			l := new(discordgo.Locale)
			i.GuildLocale = l
			return d.str((*string)(l))
		case fContext:
			n, ok := d.uint(64)
			i.Context = discordgo.InteractionContextType(n)
			return ok
		case fOwners:
			i.AuthorizingIntegrationOwners = map[discordgo.ApplicationIntegrationType]string{}
			return d.object(func(key []byte) bool {
				n, ok := digits(key)
				if !ok {
					return false
				}
				k := discordgo.ApplicationIntegrationType(n)
				if _, dup := i.AuthorizingIntegrationOwners[k]; dup {
					return false
				}
				var v string
				if !d.str(&v) {
					return false
				}
				i.AuthorizingIntegrationOwners[k] = v
				return true
			})
		case fToken:
			return d.str(&i.Token)
		case fVersion:
			n, ok := d.int(64)
			i.Version = int(n)
			return ok
		case fEntitlements:
			// Only none: an entitlement is left to the long way.
			i.Entitlements = []*discordgo.Entitlement{}
			return d.array(func() bool { return false })
		}
		return false // fMessage: left to the long way
	})
	if !ok || !d.end() {
		return nil, false
	}
	switch i.Type {
	case discordgo.InteractionApplicationCommand, discordgo.InteractionApplicationCommandAutocomplete:
	default:
		return nil, false
	}
	var cmd discordgo.ApplicationCommandInteractionData
	if data != nil {
		dd := fastDecoder{b: data}
		if dd.null() {
			// json.Unmarshal of null into the data: nothing set.
		} else if !dd.commandData(&cmd) || !dd.end() {
			return nil, false
		}
	} else {
		// discordgo decodes an absent data as it does an empty body,
		// which json.Unmarshal refuses.
		return nil, false
	}
	i.Data = cmd
	return i, true
}

// The fields of an interaction, by key.
const (
	fID = iota
	fAppID
	fType
	fData
	fGuildID
	fChannelID
	fMessage
	fAppPermissions
	fMember
	fUser
	fLocale
	fGuildLocale
	fContext
	fOwners
	fToken
	fVersion
	fEntitlements
)

var interactionFields = map[string]int{
	"id": fID, "application_id": fAppID, "type": fType, "data": fData, "guild_id": fGuildID,
	"channel_id": fChannelID, "message": fMessage, "app_permissions": fAppPermissions,
	"member": fMember, "user": fUser, "locale": fLocale, "guild_locale": fGuildLocale,
	"context": fContext, "authorizing_integration_owners": fOwners, "token": fToken,
	"version": fVersion, "entitlements": fEntitlements,
}

const (
	mGuildID = iota
	mJoinedAt
	mNick
	mDeaf
	mMute
	mAvatar
	mBanner
	mUser
	mRoles
	mPremiumSince
	mFlags
	mPending
	mPermissions
	mTimeout
)

var memberFields = map[string]int{
	"guild_id": mGuildID, "joined_at": mJoinedAt, "nick": mNick, "deaf": mDeaf, "mute": mMute,
	"avatar": mAvatar, "banner": mBanner, "user": mUser, "roles": mRoles,
	"premium_since": mPremiumSince, "flags": mFlags, "pending": mPending,
	"permissions": mPermissions, "communication_disabled_until": mTimeout,
}

func (d *fastDecoder) member(m *discordgo.Member) bool {
	var seen uint32
	return d.object(func(key []byte) bool {
		f, known := memberFields[string(key)]
		if !known {
			return d.skip(1)
		}
		if seen&(1<<f) != 0 {
			return false
		}
		seen |= 1 << f
		if d.null() {
			return f != mPermissions
		}
		switch f {
		case mGuildID:
			return d.str(&m.GuildID)
		case mJoinedAt:
			return d.time(&m.JoinedAt)
		case mNick:
			return d.str(&m.Nick)
		case mDeaf:
			return d.bool(&m.Deaf)
		case mMute:
			return d.bool(&m.Mute)
		case mAvatar:
			return d.str(&m.Avatar)
		case mBanner:
			return d.str(&m.Banner)
		case mUser:
			m.User = new(discordgo.User)
			return d.user(m.User)
		case mRoles:
			m.Roles = []string{}
			return d.array(func() bool {
				var r string
				if !d.str(&r) {
					return false
				}
				m.Roles = append(m.Roles, r)
				return true
			})
		case mPremiumSince:
			m.PremiumSince = new(time.Time)
			return d.time(m.PremiumSince)
		case mFlags:
			n, ok := d.int(64)
			m.Flags = discordgo.MemberFlags(n)
			return ok
		case mPending:
			return d.bool(&m.Pending)
		case mPermissions:
			n, ok := d.quotedInt()
			m.Permissions = n
			return ok
		case mTimeout:
			m.CommunicationDisabledUntil = new(time.Time)
			return d.time(m.CommunicationDisabledUntil)
		}
		return false
	})
}

const (
	uID = iota
	uEmail
	uUsername
	uAvatar
	uLocale
	uDiscriminator
	uGlobalName
	uToken
	uVerified
	uMFA
	uBanner
	uAccentColor
	uBot
	uPublicFlags
	uPremiumType
	uSystem
	uFlags
)

var userFields = map[string]int{
	"id": uID, "email": uEmail, "username": uUsername, "avatar": uAvatar, "locale": uLocale,
	"discriminator": uDiscriminator, "global_name": uGlobalName, "token": uToken,
	"verified": uVerified, "mfa_enabled": uMFA, "banner": uBanner, "accent_color": uAccentColor,
	"bot": uBot, "public_flags": uPublicFlags, "premium_type": uPremiumType, "system": uSystem,
	"flags": uFlags,
}

func (d *fastDecoder) user(u *discordgo.User) bool {
	var seen uint32
	return d.object(func(key []byte) bool {
		f, known := userFields[string(key)]
		if !known {
			return d.skip(2)
		}
		if seen&(1<<f) != 0 {
			return false
		}
		seen |= 1 << f
		if d.null() {
			return true
		}
		var n int64
		ok := true
		switch f {
		case uID:
			return d.str(&u.ID)
		case uEmail:
			return d.str(&u.Email)
		case uUsername:
			return d.str(&u.Username)
		case uAvatar:
			return d.str(&u.Avatar)
		case uLocale:
			return d.str(&u.Locale)
		case uDiscriminator:
			return d.str(&u.Discriminator)
		case uGlobalName:
			return d.str(&u.GlobalName)
		case uToken:
			return d.str(&u.Token)
		case uVerified:
			return d.bool(&u.Verified)
		case uMFA:
			return d.bool(&u.MFAEnabled)
		case uBanner:
			return d.str(&u.Banner)
		case uAccentColor:
			n, ok = d.int(64)
			u.AccentColor = int(n)
		case uBot:
			return d.bool(&u.Bot)
		case uPublicFlags:
			n, ok = d.int(64)
			u.PublicFlags = discordgo.UserFlags(n)
		case uPremiumType:
			n, ok = d.int(64)
			u.PremiumType = discordgo.UserPremiumType(n)
		case uSystem:
			return d.bool(&u.System)
		case uFlags:
			n, ok = d.int(64)
			u.Flags = int(n)
		}
		return ok
	})
}

const (
	cID = iota
	cName
	cType
	cResolved
	cOptions
	cTargetID
)

var commandFields = map[string]int{
	"id": cID, "name": cName, "type": cType, "resolved": cResolved, "options": cOptions, "target_id": cTargetID,
}

func (d *fastDecoder) commandData(c *discordgo.ApplicationCommandInteractionData) bool {
	var seen uint32
	return d.object(func(key []byte) bool {
		f, known := commandFields[string(key)]
		if !known {
			return d.skip(1)
		}
		if seen&(1<<f) != 0 {
			return false
		}
		seen |= 1 << f
		if d.null() {
			return true
		}
		switch f {
		case cID:
			return d.str(&c.ID)
		case cName:
			return d.str(&c.Name)
		case cType:
			n, ok := d.uint(8)
			c.CommandType = discordgo.ApplicationCommandType(n)
			return ok
		case cOptions:
			return d.options(&c.Options, 0)
		case cTargetID:
			return d.str(&c.TargetID)
		}
		return false // cResolved: left to the long way
	})
}

// maxOptionDepth: Discord nests options two deep (a group, a
// subcommand, its options).
const maxOptionDepth = 4

const (
	oName = iota
	oType
	oValue
	oOptions
	oFocused
)

var optionFields = map[string]int{"name": oName, "type": oType, "value": oValue, "options": oOptions, "focused": oFocused}

func (d *fastDecoder) options(list *[]*discordgo.ApplicationCommandInteractionDataOption, depth int) bool {
	if depth > maxOptionDepth {
		return false
	}
	*list = []*discordgo.ApplicationCommandInteractionDataOption{}
	return d.array(func() bool {
		o := new(discordgo.ApplicationCommandInteractionDataOption)
		*list = append(*list, o)
		var seen uint32
		return d.object(func(key []byte) bool {
			f, known := optionFields[string(key)]
			if !known {
				return d.skip(depth + 2)
			}
			if seen&(1<<f) != 0 {
				return false
			}
			seen |= 1 << f
			if d.null() {
				return true
			}
			switch f {
			case oName:
				return d.str(&o.Name)
			case oType:
				n, ok := d.uint(8)
				o.Type = discordgo.ApplicationCommandOptionType(n)
				return ok
			case oValue:
				return d.value(&o.Value)
			case oOptions:
				return d.options(&o.Options, depth+1)
			case oFocused:
				return d.bool(&o.Focused)
			}
			return false
		})
	})
}

// fastDecoder reads JSON from b at p. Its methods report false for what
// they cannot read exactly as encoding/json would, valid or not.
type fastDecoder struct {
	b []byte
	p int
}

func (d *fastDecoder) ws() {
	for d.p < len(d.b) {
		switch d.b[d.p] {
		case ' ', '\t', '\n', '\r':
			d.p++
		default:
			return
		}
	}
}

// end reports whether nothing but white space is left.
func (d *fastDecoder) end() bool {
	d.ws()
	return d.p == len(d.b)
}

// peek is the next byte past white space, or 0 at the end.
func (d *fastDecoder) peek() byte {
	d.ws()
	if d.p < len(d.b) {
		return d.b[d.p]
	}
	return 0
}

// lit consumes the literal s if it is next.
func (d *fastDecoder) lit(s string) bool {
	if len(d.b)-d.p >= len(s) && string(d.b[d.p:d.p+len(s)]) == s {
		d.p += len(s)
		return true
	}
	return false
}

// null consumes a null if one is next.
func (d *fastDecoder) null() bool {
	return d.peek() == 'n' && d.lit("null")
}

// object reads an object, calling field with each key (Discord's
// snake_case: lowercase ASCII letters, digits and underscores only, which
// encoding/json matches to a field only by equality) once its colon is
// read; field reads the value.
func (d *fastDecoder) object(field func(key []byte) bool) bool {
	if d.peek() != '{' {
		return false
	}
	d.p++
	if d.peek() == '}' {
		d.p++
		return true
	}
	for {
		if d.peek() != '"' {
			return false
		}
		d.p++
		start := d.p
		for d.p < len(d.b) && d.b[d.p] != '"' {
			c := d.b[d.p]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_') {
				return false
			}
			d.p++
		}
		if d.p == len(d.b) {
			return false
		}
		key := d.b[start:d.p]
		d.p++
		if d.peek() != ':' {
			return false
		}
		d.p++
		if !field(key) {
			return false
		}
		switch d.peek() {
		case ',':
			d.p++
		case '}':
			d.p++
			return true
		default:
			return false
		}
	}
}

// array reads an array, calling elem for each element.
func (d *fastDecoder) array(elem func() bool) bool {
	if d.peek() != '[' {
		return false
	}
	d.p++
	if d.peek() == ']' {
		d.p++
		return true
	}
	for {
		d.ws()
		if !elem() {
			return false
		}
		switch d.peek() {
		case ',':
			d.p++
		case ']':
			d.p++
			return true
		default:
			return false
		}
	}
}

// span reads a string with no escape and returns its bytes, unquoted.
func (d *fastDecoder) span() ([]byte, bool) {
	if d.peek() != '"' {
		return nil, false
	}
	d.p++
	start := d.p
	ascii := true
	for ; d.p < len(d.b); d.p++ {
		c := d.b[d.p]
		switch {
		case c == '"':
			s := d.b[start:d.p]
			d.p++
			// encoding/json replaces bytes that are not UTF-8.
			return s, ascii || utf8.Valid(s)
		case c == '\\' || c < 0x20:
			return nil, false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return nil, false
}

func (d *fastDecoder) str(s *string) bool {
	b, ok := d.span()
	if ok {
		*s = string(b)
	}
	return ok
}

func (d *fastDecoder) bool(v *bool) bool {
	switch {
	case d.peek() == 't' && d.lit("true"):
		*v = true
	case d.peek() == 'f' && d.lit("false"):
		*v = false
	default:
		return false
	}
	return true
}

// time reads a time.Time as encoding/json does: its UnmarshalJSON given
// the string, quotes and all.
func (d *fastDecoder) time(t *time.Time) bool {
	d.ws()
	start := d.p
	if _, ok := d.span(); !ok {
		return false
	}
	return t.UnmarshalJSON(d.b[start:d.p]) == nil
}

// integer reads an integer literal of at most 18 digits (no fraction, no
// exponent, no leading zero: JSON's grammar), with its sign.
func (d *fastDecoder) integer() (n int64, neg, ok bool) {
	d.ws()
	if d.p < len(d.b) && d.b[d.p] == '-' {
		neg = true
		d.p++
	}
	start := d.p
	for d.p < len(d.b) && '0' <= d.b[d.p] && d.b[d.p] <= '9' {
		n = n*10 + int64(d.b[d.p]-'0')
		d.p++
	}
	digits := d.p - start
	if digits == 0 || digits > 18 || digits > 1 && d.b[start] == '0' {
		return 0, false, false
	}
	if d.p < len(d.b) {
		switch d.b[d.p] {
		case '.', 'e', 'E':
			return 0, false, false
		}
	}
	if neg {
		n = -n
	}
	return n, neg, true
}

// int reads an integer into a signed field of bits.
func (d *fastDecoder) int(bits uint) (int64, bool) {
	n, _, ok := d.integer()
	if !ok || bits < 64 && (n >= 1<<(bits-1) || n < -(1<<(bits-1))) {
		return 0, false
	}
	return n, true
}

// uint reads an integer into an unsigned field of bits.
func (d *fastDecoder) uint(bits uint) (uint64, bool) {
	n, neg, ok := d.integer()
	if !ok || neg || bits < 64 && n >= 1<<bits {
		return 0, false
	}
	return uint64(n), true
}

// quotedInt reads an int64 of a ",string" field: an integer in a string.
func (d *fastDecoder) quotedInt() (int64, bool) {
	b, ok := d.span()
	if !ok {
		return 0, false
	}
	inner := fastDecoder{b: b}
	n, ok := inner.int(64)
	return n, ok && inner.p == len(b) && len(b) > 0 && b[0] != ' '
}

// digits reads a map key of an unsigned integer type.
func digits(b []byte) (uint64, bool) {
	d := fastDecoder{b: b}
	if len(b) == 0 || b[0] < '0' || b[0] > '9' {
		return 0, false
	}
	n, ok := d.uint(64)
	return n, ok && d.p == len(b)
}

// value reads an option's value (an interface{}): a string, a number
// (float64), a boolean; an object or an array is left to the long way.
func (d *fastDecoder) value(v *any) bool {
	switch c := d.peek(); {
	case c == '"':
		var s string
		if !d.str(&s) {
			return false
		}
		*v = s
	case c == 't' || c == 'f':
		var b bool
		if !d.bool(&b) {
			return false
		}
		*v = b
	case c == '-' || '0' <= c && c <= '9':
		start := d.p
		if !d.number() {
			return false
		}
		f, err := strconv.ParseFloat(string(d.b[start:d.p]), 64)
		if err != nil {
			return false
		}
		*v = f
	default:
		return false
	}
	return true
}

// number reads a number as JSON's grammar has it.
func (d *fastDecoder) number() bool {
	if d.p < len(d.b) && d.b[d.p] == '-' {
		d.p++
	}
	switch {
	case d.p < len(d.b) && d.b[d.p] == '0':
		d.p++
	case d.p < len(d.b) && '1' <= d.b[d.p] && d.b[d.p] <= '9':
		for d.p < len(d.b) && '0' <= d.b[d.p] && d.b[d.p] <= '9' {
			d.p++
		}
	default:
		return false
	}
	if d.p < len(d.b) && d.b[d.p] == '.' {
		d.p++
		if !d.someDigits() {
			return false
		}
	}
	if d.p < len(d.b) && (d.b[d.p] == 'e' || d.b[d.p] == 'E') {
		d.p++
		if d.p < len(d.b) && (d.b[d.p] == '+' || d.b[d.p] == '-') {
			d.p++
		}
		if !d.someDigits() {
			return false
		}
	}
	return true
}

func (d *fastDecoder) someDigits() bool {
	start := d.p
	for d.p < len(d.b) && '0' <= d.b[d.p] && d.b[d.p] <= '9' {
		d.p++
	}
	return d.p > start
}

// maxSkipDepth bounds the nesting of a value skipped (encoding/json's is
// 10,000; Discord's payloads nest a few levels).
const maxSkipDepth = 32

// skip reads any JSON value, checking it as encoding/json does, and
// keeps nothing of it. depth is how deep it is already.
func (d *fastDecoder) skip(depth int) bool {
	if depth > maxSkipDepth {
		return false
	}
	switch c := d.peek(); {
	case c == '{':
		d.p++
		if d.peek() == '}' {
			d.p++
			return true
		}
		for {
			if d.peek() != '"' || !d.skipString() {
				return false
			}
			if d.peek() != ':' {
				return false
			}
			d.p++
			if !d.skip(depth + 1) {
				return false
			}
			switch d.peek() {
			case ',':
				d.p++
			case '}':
				d.p++
				return true
			default:
				return false
			}
		}
	case c == '[':
		d.p++
		if d.peek() == ']' {
			d.p++
			return true
		}
		for {
			if !d.skip(depth + 1) {
				return false
			}
			switch d.peek() {
			case ',':
				d.p++
			case ']':
				d.p++
				return true
			default:
				return false
			}
		}
	case c == '"':
		return d.skipString()
	case c == 't':
		return d.lit("true")
	case c == 'f':
		return d.lit("false")
	case c == 'n':
		return d.lit("null")
	case c == '-' || '0' <= c && c <= '9':
		return d.number()
	}
	return false
}

// skipString reads a string, escapes and all, as JSON's grammar has it
// (encoding/json takes any byte from 0x20 up in a string).
func (d *fastDecoder) skipString() bool {
	d.p++ // the quote
	for d.p < len(d.b) {
		c := d.b[d.p]
		d.p++
		switch {
		case c == '"':
			return true
		case c < 0x20:
			return false
		case c == '\\':
			if d.p == len(d.b) {
				return false
			}
			e := d.b[d.p]
			d.p++
			switch e {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if len(d.b)-d.p < 4 {
					return false
				}
				for _, h := range d.b[d.p : d.p+4] {
					if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
						return false
					}
				}
				d.p += 4
			default:
				return false
			}
		}
	}
	return false
}
