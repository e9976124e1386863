package main

import "strings"

// suggest returns the candidate a mistyped word most likely meant, or ""
// when none is close or two are equally close: a typo of one or two edits
// (a swap of neighbours is one), or a prefix of at least three letters.
// Case does not count.
func suggest(word string, candidates []string) string {
	word = strings.ToLower(word)
	best, bestDist, tie := "", 0, false
	for _, c := range candidates {
		lc := strings.ToLower(c)
		d := editDistance(word, lc)
		if len(word) >= 3 && strings.HasPrefix(lc, word) {
			d = min(d, 1)
		}
		limit := 2
		if len(lc) <= 4 {
			limit = 1 // two edits turn any short word into another
		}
		switch {
		case d > limit || (best != "" && d > bestDist):
		case best != "" && d == bestDist:
			tie = true
		default:
			best, bestDist, tie = c, d, false
		}
	}
	if tie {
		return ""
	}
	return best
}

// editDistance counts the insertions, deletions, substitutions and swaps
// of adjacent letters that turn a into b (optimal string alignment).
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	// rows i-2, i-1 and i of the dynamic programming table
	prev2, prev, cur := make([]int, len(rb)+1), make([]int, len(rb)+1), make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
