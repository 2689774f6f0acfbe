package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// dataLock is the lock of a data folder, held by the process that runs the
// folder's local Neo4j (serve) or starts and stops it (nexo neo4j). Two
// such processes on one folder used to fight: the second serve could not
// bind its port, and on the way out stopped the first one's Neo4j. The lock
// is an flock, so the kernel lets it go when its holder dies, however it
// dies; the file holds the holder's pid for the message.
type dataLock struct {
	f *os.File
}

// lockFile is the lock's name in the data folder.
const lockFile = "nexo.lock"

// errLocked is the error of a data folder another process holds.
type errLocked struct {
	dir, pid string
}

func (e *errLocked) Error() string {
	return fmt.Sprintf("already running (pid %s) with the data folder %s; stop it first, or set NEXO_DATA_DIR to another folder",
		e.pid, e.dir)
}

// lockDataDir takes the lock of dir without waiting, or returns an
// *errLocked naming the holder.
func lockDataDir(dir string) (*dataLock, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, lockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			b, _ := os.ReadFile(path)
			pid := strings.TrimSpace(string(b))
			if pid == "" {
				pid = "unknown"
			}
			return nil, &errLocked{dir: dir, pid: pid}
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := f.Truncate(0); err == nil {
		_, err = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &dataLock{f: f}, nil
}

// release lets the folder go.
func (l *dataLock) release() error {
	if l == nil {
		return nil
	}
	_ = l.f.Truncate(0)
	return l.f.Close() // closing the last descriptor releases the flock
}
