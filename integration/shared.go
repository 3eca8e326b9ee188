package integration

import (
	"cmp"
	"context"
	"slices"
)

// SharedLister is an optional interface of a [Store] that never modifies an integration once
// it has handed it out (it stores a copy and replaces it on Save, as package memstore does).
// Such a store can list a team's integrations without copying them, and a profile load, which
// only reads them, asks for them so when the Store implements SharedLister.
type SharedLister interface {
	// ListShared returns what List returns, except that the caller must not modify the slice
	// or the integrations in it, and the Store must never modify them either: it may return
	// the same slice to every caller until a Save or Delete of the team replaces it.
	ListShared(ctx context.Context, teamID string) ([]*Integration, error)
}

// teamList is a team's integrations ordered by ID (strictly), each of the team and not nil.
type teamList []*Integration

// find returns the integration id, or nil.
func (l teamList) find(id string) *Integration {
	i, ok := slices.BinarySearchFunc(l, id, func(in *Integration, id string) int { return cmp.Compare(in.ID, id) })
	if !ok {
		return nil
	}
	return l[i]
}

// listTeam returns the integrations of team as a teamList: without a copy from a SharedLister
// that keeps to its contract (ordered by ID, none nil, none of another team), and otherwise
// from a filtered, sorted copy, as the Store interface allows any order and a buggy store may
// return anything.
func (s *Service) listTeam(ctx context.Context, team string) (teamList, error) {
	var (
		list []*Integration
		err  error
	)
	if sl, ok := s.store.(SharedLister); ok {
		list, err = sl.ListShared(ctx, team)
	} else {
		list, err = s.store.List(ctx, team)
	}
	if err != nil {
		return nil, err
	}
	ordered := true
	for i, in := range list {
		if in == nil || in.TeamID != team || i > 0 && list[i-1].ID >= in.ID {
			ordered = false
			break
		}
	}
	if ordered {
		return list, nil
	}
	l := make(teamList, 0, len(list))
	for _, in := range list {
		if in != nil && in.TeamID == team {
			l = append(l, in)
		}
	}
	slices.SortStableFunc(l, func(a, b *Integration) int { return cmp.Compare(a.ID, b.ID) })
	return slices.CompactFunc(l, func(a, b *Integration) bool { return a.ID == b.ID }), nil
}
