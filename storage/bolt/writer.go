package bolt

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"

	bbolt "go.etcd.io/bbolt"
)

// writer is a group commit: one goroutine takes every write queued while
// the previous commit was syncing and commits them in one transaction, so
// many members rating at once share one fsync. bbolt allows a single
// writer, and db.Batch's fixed delay measured slower than this here.
// Each caller returns only after its write is on disk.
type writer struct {
	db    *bbolt.DB
	queue chan *writeReq
	done  chan struct{}

	mu     sync.RWMutex // held for reading while sending to queue
	closed bool

	onGroup func(n int) // hears each group's size (metrics)
}

type writeReq struct {
	fn  func(*bbolt.Tx) error
	err chan error
}

// maxGroup bounds one commit, so one huge burst cannot delay everyone.
const maxGroup = 1024

var errClosed = errors.New("database closed")

func newWriter(db *bbolt.DB, onGroup func(n int)) *writer {
	if onGroup == nil {
		onGroup = func(int) {}
	}
	w := &writer{db: db, queue: make(chan *writeReq, maxGroup), done: make(chan struct{}), onGroup: onGroup}
	go w.loop()
	return w
}

// do runs fn in a write transaction shared with other queued writes and
// returns once that transaction is committed. fn must check everything
// that can fail before it writes: an error from fn is its caller's alone,
// and its writes are undone by running the group again without it.
func (w *writer) do(fn func(*bbolt.Tx) error) error {
	req := &writeReq{fn: fn, err: make(chan error, 1)}
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return errClosed
	}
	w.queue <- req
	w.mu.RUnlock()
	return <-req.err
}

func (w *writer) loop() {
	for {
		// Let the goroutines that became runnable during the last commit
		// (with one P they could not run while it synced) queue their
		// writes, so that they join this group.
		runtime.Gosched()
		first, ok := <-w.queue
		if !ok {
			close(w.done)
			return
		}
		group := []*writeReq{first}
	drain:
		for len(group) < maxGroup {
			select {
			case r, ok := <-w.queue:
				if !ok {
					break drain
				}
				group = append(group, r)
			default:
				break drain
			}
		}
		w.onGroup(len(group))
		w.commit(group)
	}
}

// commit runs a group in one transaction. If a member fails, the others
// are committed again without it, so no one's error touches another's write.
func (w *writer) commit(group []*writeReq) {
	for len(group) > 0 {
		failed := -1
		var ferr error
		err := w.db.Update(func(tx *bbolt.Tx) error {
			for k, r := range group {
				if err := r.run(tx); err != nil {
					failed, ferr = k, err
					return err
				}
			}
			return nil
		})
		if failed < 0 {
			for _, r := range group {
				r.err <- err
			}
			return
		}
		group[failed].err <- ferr
		group = append(group[:failed:failed], group[failed+1:]...)
	}
}

// run runs the request's write, turning a panic into its error: the
// writer goroutine has no one above it to recover, and one bad write
// must fail alone rather than end the process.
func (r *writeReq) run(tx *bbolt.Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("a write panicked: %v", p)
		}
	}()
	return r.fn(tx)
}

// close stops the writer after the queued writes are committed.
func (w *writer) close() {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.queue)
	}
	w.mu.Unlock()
	<-w.done
}

// view, update and write run fn in a read transaction, a write
// transaction or the group-committed writer's, unless ctx is already
// done: then they return its error and read or write nothing. Every
// method starts its transaction through one of them, so a bolt store
// honours its context as PostgreSQL's does (a transaction once begun
// runs to its end: bbolt's are short and cannot be interrupted).
func (db *DB) view(ctx context.Context, fn func(*bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.bolt.View(fn)
}

func (db *DB) update(ctx context.Context, fn func(*bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.bolt.Update(fn)
}

func (db *DB) write(ctx context.Context, fn func(*bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.writer.do(fn)
}
