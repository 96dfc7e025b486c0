package realmail

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// ownerFile names the test process that started a server, so a later Start
// can tell an abandoned server (its process was killed, e.g. by a test
// timeout, before Stop) from one another test is using.
const ownerFile = "owner.pid"

func (s *Server) writeOwner() error {
	return os.WriteFile(s.path(ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o644)
}

// cleanAbandoned stops the daemons of servers whose test process is gone
// and removes their directories. Dovecot ends with its parent
// (Pdeathsig); Postfix's master does not, and would otherwise keep
// running. Only pids read from an abandoned server's own pid files, whose
// command line still names that server's directory, are signalled.
func cleanAbandoned() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "realmail-*"))
	for _, dir := range dirs {
		data, err := os.ReadFile(filepath.Join(dir, ownerFile))
		if err != nil {
			continue // being set up, or not ours
		}
		owner, err := strconv.Atoi(strings.TrimSpace(string(data)))
		if err != nil || processAlive(owner) {
			continue
		}
		for _, pidFile := range []string{"postfix-queue/pid/master.pid", "run/dovecot/master.pid"} {
			pid := readPID(filepath.Join(dir, pidFile))
			if pid > 0 && commandMentions(pid, dir) {
				_ = syscall.Kill(pid, syscall.SIGTERM)
			}
		}
		_ = os.RemoveAll(dir)
	}
}

func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

func readPID(path string) int {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(data)))
	return pid
}

func commandMentions(pid int, dir string) bool {
	cmdline, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	return err == nil && strings.Contains(string(cmdline), dir)
}
