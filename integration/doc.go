// Package integration is the contact-integration feature of inboxkit: team-level HTTP
// integrations, their attachment to inboxes, test runs from an admin's editor, and the load of a
// contact's profile cards.
//
// (Overview and decisions: see the end of this comment; completed below.)
package integration
