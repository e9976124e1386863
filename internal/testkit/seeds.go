package testkit

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzSeeds adds every fixture of the repository (every file under a
// testdata directory but SARIF logs and the fuzz corpora), the real-world
// corpus beside it, and a few writings that fixtures lack.
func FuzzSeeds(f *testing.F, add func(data []byte)) {
	root := RepoRoot(f)
	dirs := []string{root, filepath.Join(SharedDir(f), "corpus", "realworld")}
	for i, dir := range dirs {
		filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if d.IsDir() {
				if name := d.Name(); path != dir && (strings.HasPrefix(name, ".") || name == "node_modules" || name == "fuzz") {
					return filepath.SkipDir
				}
				return nil
			}
			inTestdata := i > 0 || strings.Contains(filepath.ToSlash(path), "/testdata/")
			if !inTestdata || !d.Type().IsRegular() || strings.HasSuffix(path, ".sarif") {
				return nil
			}
			if data, err := os.ReadFile(path); err == nil && len(data) < 256<<10 {
				add(data)
			}
			return nil
		})
	}
	const wildcardStatement = `{"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "*"}`
	for _, s := range []string{
		`{"Statement": [` + wildcardStatement + `]}`,
		"\ufeff{\"a\": [1, 2.5e3, true, null, \"\\u00e9\\ud83d\\ude00\"]}",
		"// c\n{\"a\": [1,], /* b */ \"b\": {},}",
		"a: &x {b: [1, 2]}\nc: *x\nd:\n  e: *x\n",
		"Statement:\r\n  - Effect: Allow\r\n    Action: !Sub \"ssm:${A}\"\r\n    Resource: |\r\n      *\r\n",
		"InlinePolicy: \"{\\\"Statement\\\": [{\\\"Effect\\\": \\\"Allow\\\",\n  \\\"Action\\\": \\\"ssm:SendCommand\\\", \\\"Resource\\\": \\\"*\\\"}]}\"\n",
		"{\"P\": \"%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22ssm%3A*%22%2C%22Resource%22%3A%22*%22%7D%5D%7D\"}",
		"caf\xe9: \"\xff\"\n",
	} {
		add([]byte(s))
	}
}

// TerraformSeeds are Terraform files, one per way a policy is written:
// the seeds of the Terraform fuzz targets, and inputs of the tests that
// hold the HCL reader to hclsyntax and the pre-filter to the reader.
var TerraformSeeds = []string{
	"resource \"aws_iam_policy\" \"p\" {\n  policy = jsonencode({ Statement = [{ Effect = \"Allow\", Action = \"ssm:SendCommand\", Resource = \"*\" }] })\n}\n",
	"resource \"aws_iam_role_policy\" \"p\" {\n  policy = <<EOF\n{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"ssm:StartSession\", \"Resource\": \"${var.x}\"}}\nEOF\n}\n",
	"data \"aws_iam_policy_document\" \"d\" {\n  statement {\n    actions = [\"ssm:*\"]\n    resources = [\"*\"]\n    condition {\n      test = \"StringLike\"\n      variable = \"ssm:resourceTag/a\"\n      values = [\"*\"]\n    }\n  }\n  dynamic \"statement\" {\n    for_each = var.s\n    content {\n      actions = statement.value\n    }\n  }\n}\n",
	"locals {\n  a = [for x in range(3) : { Effect = \"Allow\", Action = \"ssm:SendCommand\", Resource = \"arn:${x}\" }]\n}\nresource \"aws_iam_policy\" \"p\" {\n  count = 2\n  policy = jsonencode({ Statement = local.a })\n}\n",
	"# ssm-guardrails:ignore IAM-SSM-1 reason=\"x\"\nresource \"aws_iam_policy\" \"p\" {\n  policy = templatefile(\"t.tpl\", { a = 1 })\n}\n",
	"module \"m\" {\n  policy_statements = { a = { actions = [\"ssm:SendCommand\"], resources = [\"*\"], condition = [{ test = \"StringEquals\", variable = \"aws:ResourceTag/t\", values = [var.v] }] } }\n}\n",
	"inputs = {\n  policy = { Statement = [{ Effect = \"Allow\", Action = \"ssm:SendCommand\", Resource = try(local.x, \"*\") }] }\n}\n",
}
