package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// This file makes the IAM content of the benchmark tree: statements that
// grant nothing on instances, statements scoped by tag (no finding), and
// now and then a planted statement that must be reported.

// genRand is the tree's one source of randomness: a seeded PCG, so that
// the same seed writes the same bytes on every machine.
type genRand struct{ *rand.Rand }

func newGenRand(seed uint64) *genRand {
	return &genRand{rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

func (r *genRand) pick(xs ...string) string { return xs[r.IntN(len(xs))] }

// chance is true with probability p.
func (r *genRand) chance(p float64) bool { return r.Float64() < p }

var genSyllables = []string{"ord", "pay", "ment", "ship", "in", "vent", "ory", "cart", "log", "ana",
	"lyt", "ics", "user", "prof", "ile", "note", "ify", "auth", "bill", "ing", "sear", "ch", "rec", "omm"}

// word is a lower-case made-up name such as "payment" or "inventory".
func (r *genRand) word() string {
	var b strings.Builder
	for range 2 + r.IntN(2) {
		b.WriteString(genSyllables[r.IntN(len(genSyllables))])
	}
	return b.String()
}

// title is a word with a capital, for logical IDs.
func (r *genRand) title() string {
	w := r.word()
	return strings.ToUpper(w[:1]) + w[1:]
}

// hex is n random lower-case hex digits.
func (r *genRand) hex(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[r.IntN(16)]
	}
	return string(b)
}

func sub(s string) genTag { return genTag{"Sub", s} }
func ref(s string) genTag { return genTag{"Ref", s} }

// benignStatement grants something that is not SendCommand or
// StartSession on every instance.
func (r *genRand) benignStatement() genObj {
	bucket := r.word() + "-" + r.hex(6)
	switch r.IntN(8) {
	case 0:
		return genObj{{"Effect", "Allow"}, {"Action", genArr{"s3:GetObject", "s3:PutObject"}},
			{"Resource", sub("arn:${AWS::Partition}:s3:::" + bucket + "/*")}}
	case 1:
		return genObj{{"Effect", "Allow"}, {"Action", genArr{"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"}},
			{"Resource", sub("arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/" + r.title())}}
	case 2:
		return genObj{{"Effect", "Allow"}, {"Action", genArr{"logs:CreateLogStream", "logs:PutLogEvents"}}, {"Resource", "*"}}
	case 3:
		return genObj{{"Effect", "Allow"}, {"Action", "ssm:GetParameter"},
			{"Resource", sub("arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/" + r.word() + "/*")}}
	case 4: // SendCommand, but only on tagged instances: no finding
		return genObj{{"Effect", "Allow"}, {"Action", "ssm:SendCommand"}, {"Resource", "arn:aws:ec2:*:*:instance/*"},
			{"Condition", genObj{{"StringEquals", genObj{{"ssm:resourceTag/team", r.word()}}}}}}
	case 5: // documents carry no tags and grant nothing on instances
		return genObj{{"Effect", "Allow"}, {"Action", "ssm:SendCommand"},
			{"Resource", "arn:aws:ssm:*::document/AWS-RunShellScript"}}
	case 6:
		return genObj{{"Effect", "Deny"}, {"Action", "s3:DeleteBucket"}, {"Resource", "*"}}
	default:
		return genObj{{"Effect", "Allow"}, {"Action", genArr{"sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"}},
			{"Resource", genTag{"GetAtt", r.title() + "Queue.Arn"}}}
	}
}

// plantedStatement is a statement the scanner must report, with the rules
// it breaks.
func (r *genRand) plantedStatement() genMark {
	switch r.IntN(4) {
	case 0:
		return genMark{[]string{"IAM-SSM-1"}, genObj{{"Sid", "RunAnywhere"}, {"Effect", "Allow"},
			{"Action", "ssm:SendCommand"}, {"Resource", "*"}}}
	case 1:
		return genMark{[]string{"IAM-SSM-2"}, genObj{{"Effect", "Allow"}, {"Action", "ssm:StartSession"},
			{"Resource", "arn:aws:ec2:*:*:instance/*"}}}
	case 2:
		return genMark{[]string{"IAM-SSM-1", "IAM-SSM-2"}, genObj{{"Effect", "Allow"}, {"Action", "ssm:*"}, {"Resource", "*"}}}
	default:
		return genMark{[]string{"IAM-SSM-1"}, genObj{{"Effect", "Allow"}, {"Action", genArr{"ssm:SendCommand", "ssm:ListCommands"}},
			{"Resource", sub("arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:instance/*")},
			{"Condition", genObj{{"StringLike", genObj{{"ssm:resourceTag/env", "*"}}}}}}}
	}
}

// statements is a list of statements; with planted set, one of them is a
// finding.
func (r *genRand) statements(n int, planted bool) genArr {
	out := make(genArr, 0, n+1)
	for range n {
		out = append(out, r.benignStatement())
	}
	if planted {
		at := r.IntN(len(out) + 1)
		out = append(out[:at], append(genArr{r.plantedStatement()}, out[at:]...)...)
	}
	return out
}

// policyDocument is a whole policy document.
func (r *genRand) policyDocument(n int, planted bool) genObj {
	return genObj{{"Version", "2012-10-17"}, {"Statement", r.statements(n, planted)}}
}

// inlinePolicy is a policy written as a JSON string on one line, as an
// SSO permission set holds it; a finding in it is reported on the line of
// the string.
func (r *genRand) inlinePolicy(planted bool) any {
	p := newGenPrinter("")
	p.flowJSON(r.policyDocument(1+r.IntN(3), false))
	text := p.buf.String()
	if !planted {
		return text
	}
	return genMark{[]string{"IAM-SSM-2"}, strings.Replace(text, `"Statement":[`,
		`"Statement":[{"Effect":"Allow","Action":"ssm:StartSession","Resource":"*"},`, 1)}
}

// flowJSON writes v as compact JSON; intrinsics are written out as maps.
func (p *genPrinter) flowJSON(v any) {
	switch v := v.(type) {
	case genTag:
		name := v.name
		if name != "Ref" {
			name = "Fn::" + name
		}
		p.flowJSON(genObj{{name, v.v}})
	case genObj:
		p.buf.WriteByte('{')
		for i, f := range v {
			if i > 0 {
				p.buf.WriteByte(',')
			}
			p.buf.WriteString(jsonQuote(f.k) + ":")
			p.flowJSON(f.v)
		}
		p.buf.WriteByte('}')
	case genArr:
		p.buf.WriteByte('[')
		for i, item := range v {
			if i > 0 {
				p.buf.WriteByte(',')
			}
			p.flowJSON(item)
		}
		p.buf.WriteByte(']')
	default:
		p.scalar(v, jsonQuote)
	}
}

// trustPolicy lets a service assume a role; it is no permission policy,
// even with Allow "*" in it.
func trustPolicy(service string) genObj {
	return genObj{{"Version", "2012-10-17"}, {"Statement", genArr{genObj{{"Effect", "Allow"},
		{"Principal", genObj{{"Service", service + ".amazonaws.com"}}}, {"Action", "sts:AssumeRole"}}}}}
}

func (r *genRand) arn(service string) string {
	return fmt.Sprintf("arn:aws:%s:us-east-1:%012d:%s/%s", service, r.IntN(1e12), r.word(), r.hex(8))
}
