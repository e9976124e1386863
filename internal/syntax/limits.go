package syntax

// MaxDepth bounds how deeply lists and maps may nest; real policies and
// templates stay far below it, and the bound keeps hostile input from
// exhausting the stack.
const MaxDepth = 512

// MaxYAMLNodes bounds the nodes aliases may add to a YAML file (each
// alias counts the nodes below its anchor), so that an alias bomb costs a
// warning, not the machine. The file's own nodes are bounded by the file
// size cap instead.
const MaxYAMLNodes = 1_000_000
