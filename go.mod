module github.com/changebook/changebook

go 1.26

require (
	github.com/BurntSushi/toml v1.6.0
	github.com/adrg/frontmatter v0.2.0
	github.com/agnivade/levenshtein v1.2.2
	go.yaml.in/yaml/v3 v3.0.6
)

require gopkg.in/yaml.v2 v2.3.0 // indirect
