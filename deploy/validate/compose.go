package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

// checkCompose loads the compose file as `docker compose config` does and
// checks that every file or directory it bind-mounts exists, since Docker
// would otherwise create an empty directory in its place and the service
// would start without its configuration.
func checkCompose(ctx context.Context, path string) (int, error) {
	opts, err := cli.NewProjectOptions([]string{path}, cli.WithWorkingDirectory(filepath.Dir(path)), cli.WithResolvedPaths(true))
	if err != nil {
		return 0, err
	}
	p, err := opts.LoadProject(ctx)
	if err != nil {
		return 0, err
	}
	for _, name := range p.ServiceNames() {
		for _, v := range p.Services[name].Volumes {
			if v.Type != types.VolumeTypeBind {
				continue
			}
			if _, err := os.Stat(v.Source); err != nil {
				return 0, fmt.Errorf("service %s mounts %s, which does not exist", name, v.Source)
			}
		}
	}
	return len(p.Services), nil
}
