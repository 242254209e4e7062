//go:build unix

package results

import (
	"io/fs"
	"syscall"
)

// readFile reads a file into buf (grown as needed), with nothing but the
// open, read and close system calls: no stat and no new buffer as in
// os.ReadFile, and no *os.File (whose poller registration, an epoll_ctl
// that fails for a regular file, and cleanup cost as much as the read).
// Evidence files are small and many: 10,000 in a large run.
func readFile(name string, buf []byte) ([]byte, error) {
	var fd int
	var err error
	for {
		if fd, err = syscall.Open(name, syscall.O_RDONLY|syscall.O_CLOEXEC, 0); err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return buf, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	defer syscall.Close(fd)
	buf = buf[:0]
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := syscall.Read(fd, buf[len(buf):cap(buf)])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return buf, &fs.PathError{Op: "read", Path: name, Err: err}
		}
		if n == 0 {
			return buf, nil
		}
		buf = buf[:len(buf)+n]
	}
}
