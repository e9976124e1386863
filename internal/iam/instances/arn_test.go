package instances

import "testing"

func TestFamilyString(t *testing.T) {
	for f, want := range map[Family]string{
		0:                         "no instances",
		FamilyEC2:                 "EC2 instances",
		FamilyManaged:             "managed instances",
		FamilyEC2 | FamilyManaged: "EC2 and managed instances",
		Family(1 << 5):            "Family(32)",
	} {
		if got := f.String(); got != want {
			t.Errorf("Family(%d).String() = %q, want %q", uint8(f), got, want)
		}
	}
}
