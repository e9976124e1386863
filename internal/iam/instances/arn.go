package instances

import "fmt"

// This file describes the instance ARNs of each family as a language,
// exactly: the automaton of cover.go reads patterns against it.

// Family is a set of managed-instance families: a bitset.
type Family uint8

const (
	FamilyEC2     Family = 1 << iota // arn:PARTITION:ec2:REGION:ACCOUNT:instance/i-...
	FamilyManaged                    // arn:PARTITION:ssm:REGION:ACCOUNT:managed-instance/mi-...
)

// Families is every family, in the order messages name them.
var Families = []Family{FamilyEC2, FamilyManaged}

// String names the families for messages.
func (f Family) String() string {
	switch f {
	case 0:
		return "no instances"
	case FamilyEC2:
		return "EC2 instances"
	case FamilyManaged:
		return "managed instances"
	case FamilyEC2 | FamilyManaged:
		return "EC2 and managed instances"
	}
	return fmt.Sprintf("Family(%d)", uint8(f))
}

// partitions are the AWS partitions an instance can live in.
var partitions = []string{"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"}

// charClass is a set of characters that may appear in part of an ARN.
type charClass uint8

const (
	classNone   charClass = iota
	classRegion           // [a-z0-9-]
	classDigit            // [0-9]
	classHex              // [0-9a-f]: instance IDs are lower-case hex
)

func (c charClass) has(r rune) bool {
	switch c {
	case classRegion:
		return r == '-' || 'a' <= r && r <= 'z' || '0' <= r && r <= '9'
	case classDigit:
		return '0' <= r && r <= '9'
	case classHex:
		return '0' <= r && r <= '9' || 'a' <= r && r <= 'f'
	}
	return false
}

// members lists a class's characters, for picking one no pattern names.
func (c charClass) members() string {
	switch c {
	case classRegion:
		return "abcdefghijklmnopqrstuvwxyz0123456789-"
	case classDigit:
		return "0123456789"
	case classHex:
		return "0123456789abcdef"
	}
	return ""
}

// shapeEdge is one transition of the ARN shape: a literal character, any
// character of a class, or a value the scanner cannot see standing for a
// whole field (a region given as ${AWS::Region}). home marks the edges
// that end a partition aws or unknown, for messages about the others.
type shapeEdge struct {
	r      rune
	class  charClass
	symbol bool
	home   bool
	to     int
}

// takes reports whether the edge reads the letter.
func (e shapeEdge) takes(l symbol) bool {
	switch {
	case e.symbol || l.ref != "":
		return e.symbol && l.ref != ""
	case e.class != classNone:
		return e.class.has(l.r)
	}
	return l.r == e.r
}

// shape is a deterministic automaton of every instance ARN of one family:
// "arn:" PARTITION ":" SERVICE ":" REGION ":" ACCOUNT ":" then the
// resource. place is the state after the account's ':' (a place, that is a
// partition, region and account, has been read); accepting are the states
// where an instance ID is complete.
type shape struct {
	edges     [][]shapeEdge
	place     int
	accepting []bool
}

func (s *shape) state() int {
	s.edges = append(s.edges, nil)
	s.accepting = append(s.accepting, false)
	return len(s.edges) - 1
}

func (s *shape) edge(from int, e shapeEdge) { s.edges[from] = append(s.edges[from], e) }

// literal adds the characters of lit after state from and returns the
// last state.
func (s *shape) literal(from int, lit string) int {
	for _, r := range lit {
		to := s.state()
		s.edge(from, shapeEdge{r: r, to: to})
		from = to
	}
	return from
}

// count adds n characters of class c after from and returns the last
// state.
func (s *shape) count(from int, c charClass, n int) int {
	for range n {
		to := s.state()
		s.edge(from, shapeEdge{class: c, to: to})
		from = to
	}
	return from
}

// familyShape builds the shape of family f's instance ARNs. A region or
// account is one or more characters of its class (an account exactly
// twelve digits) or one unknown value; a partition is a known one or an
// unknown.
func familyShape(f Family) *shape {
	s := &shape{}
	start := s.state()
	afterPartition := s.state()
	at := s.literal(start, "arn:")
	partitionSymbol := s.state()
	s.edge(at, shapeEdge{symbol: true, to: partitionSymbol})
	s.edge(partitionSymbol, shapeEdge{r: ':', to: afterPartition, home: true})
	trie := map[string]int{"": at}
	for _, p := range partitions {
		from := at
		for i, r := range p {
			if next, ok := trie[p[:i+len(string(r))]]; ok {
				from = next
				continue
			}
			to := s.state()
			s.edge(from, shapeEdge{r: r, to: to})
			trie[p[:i+len(string(r))]] = to
			from = to
		}
		s.edge(from, shapeEdge{r: ':', to: afterPartition, home: p == "aws"})
	}
	service, resource, idLengths := "ec2", "instance/i-", []int{8, 17}
	if f == FamilyManaged {
		service, resource, idLengths = "ssm", "managed-instance/mi-", []int{17}
	}
	at = s.literal(afterPartition, service+":")

	afterRegion := s.state()
	region := s.state()
	s.edge(at, shapeEdge{class: classRegion, to: region})
	s.edge(region, shapeEdge{class: classRegion, to: region})
	s.edge(region, shapeEdge{r: ':', to: afterRegion})
	regionSymbol := s.state()
	s.edge(at, shapeEdge{symbol: true, to: regionSymbol})
	s.edge(regionSymbol, shapeEdge{r: ':', to: afterRegion})

	s.place = s.state()
	account := s.count(afterRegion, classDigit, 12)
	s.edge(account, shapeEdge{r: ':', to: s.place})
	accountSymbol := s.state()
	s.edge(afterRegion, shapeEdge{symbol: true, to: accountSymbol})
	s.edge(accountSymbol, shapeEdge{r: ':', to: s.place})

	at = s.literal(s.place, resource)
	done := 0
	for _, n := range idLengths {
		at = s.count(at, classHex, n-done)
		s.accepting[at] = true
		done = n
	}
	return s
}

// shapes holds each family's shape.
var shapes = map[Family]*shape{FamilyEC2: familyShape(FamilyEC2), FamilyManaged: familyShape(FamilyManaged)}
