package iam

import (
	"encoding/binary"

	"github.com/ssm-guardrails/ssm-guardrails/internal/iam/instances"
)

// Judge remembers, from one policy to the next, what deciding resource
// patterns cost most to find out: which families a statement's Resource
// or NotResource covers when no Deny applies, and how a message describes
// that. The patterns of a repository repeat ("*",
// "arn:aws:ec2:*:*:instance/*" in every role that runs commands), and the
// automata that decide them were most of the time of an evaluation.
//
// What it returns is what the evaluation would have found: an answer is
// kept only when no bound was hit, and reused only when the work it took
// fits in what is left of the evaluation's budget, which it is charged.
// What it keeps is bounded whatever it judges: at most maxMemo answers of
// each kind, for keys of at most maxMemoKey bytes. A nil *Judge remembers
// nothing. A Judge is for one goroutine.
type Judge struct {
	covers       map[string]coverMemo
	descriptions map[string]string
	key          []byte // scratch for the keys
}

// coverMemo is a cover answer and the budget it took.
type coverMemo struct {
	res  coverResult
	work int
}

// maxMemo bounds each of a Judge's maps: past it the map starts again.
const maxMemo = 512

// maxMemoKey is the longest key a Judge remembers. The lists that repeat
// are short; a long one, which a file can make as long as it likes, is
// judged afresh rather than kept.
const maxMemoKey = 512

// cover returns decide's answer for st's resource elements, with no Deny
// in the way; decide says whether its answer was exact (no bound hit).
func (j *Judge) cover(st *Statement, budget *int, decide func() (coverResult, bool)) coverResult {
	if j == nil {
		res, _ := decide()
		return res
	}
	j.key = appendElementsKey(j.key[:0], st.Resource, st.NotResource)
	if len(j.key) > maxMemoKey {
		res, _ := decide()
		return res
	}
	if m, ok := j.covers[string(j.key)]; ok && m.work <= *budget {
		*budget -= m.work
		return m.res
	}
	key := string(j.key)
	before := *budget
	res, exact := decide()
	if exact {
		if j.covers == nil || len(j.covers) >= maxMemo {
			j.covers = make(map[string]coverMemo)
		}
		j.covers[key] = coverMemo{res, before - *budget}
	}
	return res
}

// describe is the package's describe, remembered.
func (j *Judge) describe(st *Statement, open instances.Family, notes familyNotes) string {
	if j == nil {
		return describe(st, open, notes)
	}
	j.key = appendElementsKey(j.key[:0], st.Resource, st.NotResource)
	j.key = append(j.key, byte(open))
	for _, n := range notes {
		j.key = appendString(j.key, n)
	}
	if len(j.key) > maxMemoKey {
		return describe(st, open, notes)
	}
	if d, ok := j.descriptions[string(j.key)]; ok {
		return d
	}
	key := string(j.key)
	d := describe(st, open, notes)
	if j.descriptions == nil || len(j.descriptions) >= maxMemo {
		j.descriptions = make(map[string]string)
	}
	j.descriptions[key] = d
	return d
}

// appendElementsKey appends what tells a Resource and a NotResource list
// apart from any other: every value in full, and whether NotResource is
// present.
func appendElementsKey(b []byte, resource, notResource Values) []byte {
	b = appendValuesKey(b, resource)
	return appendValuesKey(b, notResource)
}

func appendValuesKey(b []byte, vs Values) []byte {
	if vs == nil {
		return append(b, 0)
	}
	b = binary.AppendUvarint(b, uint64(len(vs))+1)
	for _, v := range vs {
		b = appendString(b, v.Text)
		b = appendString(b, v.Source)
		b = binary.AppendUvarint(b, uint64(len(v.Unknowns)))
		for _, u := range v.Unknowns {
			b = binary.AppendUvarint(b, uint64(u.At))
			b = appendString(b, u.Name)
			b = append(b, byte(u.Kind))
		}
		b = binary.AppendUvarint(b, uint64(len(v.Defaults)))
		for _, d := range v.Defaults {
			b = appendString(b, d)
		}
	}
	return b
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}
