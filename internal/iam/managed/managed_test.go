package managed

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/internal/iam"
	"github.com/ssm-guardrails/ssm-guardrails/internal/testkit"
)

// partition is how CloudFormation's ${AWS::Partition} reaches the table:
// an unknown that fills the ARN's partition field.
func partition(rest string) iam.Value {
	return iam.Value{Text: "arn:" + rest, Unknowns: []iam.Unknown{{At: 4, Name: "AWS::Partition", Kind: iam.UnknownPlace}}}
}

func TestFind(t *testing.T) {
	tests := []struct {
		name string
		v    iam.Value
		want string // the policy found, "" for none
	}{
		{"ARN", iam.Literal("arn:aws:iam::aws:policy/AmazonSSMFullAccess"), "AmazonSSMFullAccess"},
		{"China partition", iam.Literal("arn:aws-cn:iam::aws:policy/AdministratorAccess"), "AdministratorAccess"},
		{"GovCloud partition", iam.Literal("arn:aws-us-gov:iam::aws:policy/PowerUserAccess"), "PowerUserAccess"},
		{"unknown partition", partition(":iam::aws:policy/AmazonSSMFullAccess"), "AmazonSSMFullAccess"},
		{"unknown partition of any kind", iam.Value{Text: "arn::iam::aws:policy/AdministratorAccess",
			Unknowns: []iam.Unknown{{At: 4, Name: "data.aws_partition.current.partition", Kind: iam.UnknownAny}}}, "AdministratorAccess"},
		{"service-role path", iam.Literal("arn:aws:iam::aws:policy/service-role/AmazonSSMAutomationRole"), "AmazonSSMAutomationRole"},
		{"bare name", iam.Literal("AmazonSSMMaintenanceWindowRole"), "AmazonSSMMaintenanceWindowRole"},

		{"service-role policy without its path", iam.Literal("arn:aws:iam::aws:policy/AmazonSSMAutomationRole"), ""},
		{"path on a policy that has none", iam.Literal("arn:aws:iam::aws:policy/service-role/AmazonSSMFullAccess"), ""},
		{"service-linked policy", iam.Literal("arn:aws:iam::aws:policy/aws-service-role/AmazonSSMServiceRolePolicy"), ""},
		{"service-linked policy by name", iam.Literal("AmazonSSMServiceRolePolicy"), ""},
		{"customer policy of the same name", iam.Literal("arn:aws:iam::123456789012:policy/AmazonSSMFullAccess"), ""},
		{"policy that grants neither action", iam.Literal("arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"), ""},
		{"policy that is often suspected", iam.Literal("arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforSSM"), ""},
		{"name in another case", iam.Literal("arn:aws:iam::aws:policy/amazonssmfullaccess"), ""},
		{"not a partition", iam.Literal("arn:azure:iam::aws:policy/AmazonSSMFullAccess"), ""},
		{"not IAM", iam.Literal("arn:aws:ssm::aws:policy/AmazonSSMFullAccess"), ""},
		{"unknown name", iam.Value{Text: "arn:aws:iam::aws:policy/", Unknowns: []iam.Unknown{{At: 24, Name: "PolicyName", Kind: iam.UnknownSpecific}}}, ""},
		{"unknown partition and name", iam.Value{Text: "arn::iam::aws:policy/",
			Unknowns: []iam.Unknown{{At: 4, Name: "AWS::Partition"}, {At: 21, Name: "PolicyName", Kind: iam.UnknownSpecific}}}, ""},
		{"partial partition", iam.Value{Text: "arn:aws-:iam::aws:policy/AdministratorAccess", Unknowns: []iam.Unknown{{At: 8, Name: "Suffix"}}}, ""},
		{"unknown bare name", iam.Value{Unknowns: []iam.Unknown{{Name: "PolicyName", Kind: iam.UnknownSpecific}}}, ""},
		{"name with a path", iam.Literal("service-role/AmazonSSMAutomationRole"), ""},
		{"empty", iam.Literal(""), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ""
			if p := Find(tt.v); p != nil {
				got = p.Name
			}
			if got != tt.want {
				t.Errorf("Find(%q) = %q, want %q", tt.v.Text, got, tt.want)
			}
		})
	}
}

// TestTable holds the table to what the issue names: the policies that
// grant both actions, and those often suspected that grant neither.
func TestTable(t *testing.T) {
	for _, tt := range []struct {
		rule string
		in   []string
		out  []string
	}{
		{"IAM-SSM-1", []string{"AdministratorAccess", "PowerUserAccess", "AmazonSSMFullAccess", "AmazonSSMAutomationRole", "AmazonSSMMaintenanceWindowRole"},
			[]string{"AmazonEC2RoleforSSM", "AmazonSSMManagedInstanceCore", "AmazonSSMReadOnlyAccess"}},
		{"IAM-SSM-2", []string{"AdministratorAccess", "PowerUserAccess", "AmazonSSMFullAccess", "AmazonSSMAutomationRole"},
			[]string{"AmazonSSMMaintenanceWindowRole", "AmazonEC2RoleforSSM", "AmazonSSMManagedInstanceCore"}},
	} {
		names := Granting(tt.rule)
		for _, name := range tt.in {
			if !slices.Contains(names, name) {
				t.Errorf("%s: %s is not in the table", tt.rule, name)
			}
		}
		for _, name := range tt.out {
			if slices.Contains(names, name) {
				t.Errorf("%s: %s is in the table", tt.rule, name)
			}
		}
		if !slices.IsSorted(names) {
			t.Errorf("%s: names out of order: %v", tt.rule, names)
		}
	}
	p := Find(iam.Literal("arn:aws:iam::aws:policy/AmazonSSMFullAccess"))
	want := `ssm:SendCommand on all EC2 and managed instances (Action "ssm:*", Resource "*"): no Condition`
	if g := p.For("IAM-SSM-1"); len(g) != 1 || g[0].What != want {
		t.Errorf("AmazonSSMFullAccess grants %+v, want one: %s", g, want)
	}
	if DatasetPolicies == 0 || DatasetDate == "" {
		t.Error("the table does not say what it was generated from")
	}
}

// TestREADMEListsTheTable: the README's lists of the managed policies
// that trigger each rule are the table's.
func TestREADMEListsTheTable(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(testkit.RepoRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []struct{ id, action string }{{"IAM-SSM-1", "ssm:SendCommand"}, {"IAM-SSM-2", "ssm:StartSession"}} {
		names := Granting(r.id)
		want := fmt.Sprintf("**%s** (`%s`), %d policies:\n\n", r.id, r.action, len(names))
		for _, name := range names {
			want += "- `" + name + "`"
			if p := byName(name); p.Path != "/" {
				want += " (`" + strings.TrimPrefix(p.Path, "/") + "`)"
			}
			want += "\n"
		}
		if !strings.Contains(string(readme), want+"\n") {
			t.Errorf("README.md does not list the policies that trigger %s as the table has them:\n%s", r.id, want)
		}
	}
}
