// The os/arch pairs `docker manifest annotate` accepts (docker/cli cli/command/manifest/util.go,
// validOSArches: Go's GOOS/GOARCH list of its time plus linux/s390x and linux/riscv64). docker
// checks the pair an entry ends up with, so an unknown os or arch alone is refused too; pairs Go
// added later (linux/loong64, windows/arm64, ...) are refused by docker 28 and so here.
const VALID_OS_ARCHES: ReadonlySet<string> = new Set([
  'darwin/386', 'darwin/amd64', 'darwin/arm', 'darwin/arm64',
  'dragonfly/amd64',
  'freebsd/386', 'freebsd/amd64', 'freebsd/arm',
  'linux/386', 'linux/amd64', 'linux/arm', 'linux/arm64', 'linux/ppc64le', 'linux/mips64', 'linux/mips64le', 'linux/riscv64', 'linux/s390x',
  'netbsd/386', 'netbsd/amd64', 'netbsd/arm',
  'openbsd/386', 'openbsd/amd64', 'openbsd/arm',
  'plan9/386', 'plan9/amd64',
  'solaris/amd64',
  'windows/386', 'windows/amd64',
]);

export function isDockerValidOsArch(os: string, architecture: string): boolean {
  return VALID_OS_ARCHES.has(`${os}/${architecture}`);
}
