package exempt

import "slices"

// AddedSince returns the entries of c that base does not have as they
// are: the exemptions a pull request adds or changes, for a reviewer to
// look at. Entries are compared by what they say, not by their line; a
// nil base has no entries, so every entry of c is added.
func (c *Config) AddedSince(base *Config) []Entry {
	if c == nil {
		return nil
	}
	var unmatched []Entry
	if base != nil {
		unmatched = slices.Clone(base.Entries)
	}
	var added []Entry
	for _, e := range c.Entries {
		i := slices.IndexFunc(unmatched, e.sameAs)
		if i < 0 {
			added = append(added, e)
			continue
		}
		unmatched = slices.Delete(unmatched, i, i+1)
	}
	return added
}

// sameAs reports whether two entries exempt the same findings for the
// same reason until the same day.
func (e Entry) sameAs(o Entry) bool {
	return slices.Equal(e.Files, o.Files) && slices.Equal(e.Resources, o.Resources) &&
		slices.Equal(e.CDKPaths, o.CDKPaths) && slices.Equal(e.Policies, o.Policies) &&
		slices.Equal(e.Rules, o.Rules) && e.Reason == o.Reason && e.Expires.Equal(o.Expires)
}
