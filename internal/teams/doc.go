// Package teams says which team owns each account: from the account's
// Organizations tag (collected into the snapshot) or from a mapping file,
// which overrides the tag; accounts with neither are Unassigned.
package teams
