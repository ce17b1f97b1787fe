// Placeholder: this module is being built; see docs/architecture.md.
enum _ClickHousePlaceholder {}
