package bulkverify

import "strings"

// EnvPrefix returns BV_<NAME>_, the prefix of the variables of the
// provider named provider (BV_DIGILOCKER_ for digilocker). It is the one
// place that builds it; provider.Provider.EnvPrefix and VarEnv use it.
func EnvPrefix(provider string) string { return "BV_" + strings.ToUpper(provider) + "_" }
