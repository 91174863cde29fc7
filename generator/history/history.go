// Package history holds what git says about a record, as plain values:
// the commits that touched its file and the versions they left. Package
// git reads them; audit, the site and the checks use them without linking
// go-git.
package history

import (
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// Hash is a git object's hash, in hexadecimal.
type Hash string

// Short is the abbreviated hash people read.
func (h Hash) Short() string { return string(h[:min(len(h), 10)]) }

// Commit is one commit that touched a record.
type Commit struct {
	Hash string
	// Author and Email are the author as people want them shown: after
	// .mailmap (Email lowercase). They are for display only: .mailmap is
	// a file anyone can commit to.
	Author string
	Email  string
	// CommitAuthor and CommitEmail are the author as the commit itself
	// carries it (CommitEmail lowercase): what provenance compares.
	CommitAuthor string
	CommitEmail  string
	When         time.Time // the author date
	// Committed is the committer date: when git verifies a signature, the
	// time a key's validity bounds are checked against.
	Committed time.Time
	Subject   string
	// Merge is true for a merge commit: it changes a record only where it
	// resolved a conflict or edited it itself, differing from every parent.
	Merge bool
	// Signature is the commit's signature as git stores it (its gpgsig
	// header: an armored SSH or OpenPGP signature); nil when unsigned.
	Signature []byte
	// Signed is what the signature is over: the commit object without
	// its signature, byte for byte; nil when unsigned.
	Signed []byte
}

// Remapped reports whether .mailmap shows the commit's author as someone
// other than the commit says.
func (c *Commit) Remapped() bool { return c.Author != c.CommitAuthor || c.Email != c.CommitEmail }

// Short is the abbreviated hash people read.
func (c *Commit) Short() string { return Hash(c.Hash).Short() }

// Version is a record as one commit left it.
type Version struct {
	Commit *Commit
	// Path is the file's path in that commit (before a later rename).
	Path string
	// Blob is the file's content hash in that commit; "" when the
	// commit deleted it.
	Blob Hash
	// Boundary is true for the file as a shallow clone's boundary commit
	// holds it: that commit is where the clone's history begins, not
	// necessarily a commit that changed the file (it may be much older,
	// and by anyone).
	Boundary bool
}

// ErrTooLarge says a version is larger than a record may be: its content
// is not read.
var ErrTooLarge = errors.New("larger than a record may be")

// File is the history of one record file, newest version first; a
// version at a shallow clone's boundary, if any, is the last.
type File struct {
	Versions []Version
	// Uncommitted is true when the file in the working tree differs from
	// HEAD's, or is not in HEAD at all.
	Uncommitted bool
	// Submodule is the path, relative to the configuration repository,
	// of the git submodule that holds the file, when one does: its
	// history is the submodule's, which is not read, so the file has no
	// versions and is not "uncommitted" either.
	Submodule string
}

// Created is the commit that added the file, nil when unknown: a file
// never committed, or one already at a shallow clone's boundary (added
// there or before it).
func (f *File) Created() *Commit {
	if len(f.Versions) == 0 || f.Versions[len(f.Versions)-1].Boundary {
		return nil
	}
	return f.Versions[len(f.Versions)-1].Commit
}

// Modified is the last commit that changed the file, nil when none or
// when no commit after a shallow clone's boundary did.
func (f *File) Modified() *Commit {
	if len(f.Versions) == 0 || f.Versions[0].Boundary {
		return nil
	}
	return f.Versions[0].Commit
}

// Boundary is the shallow clone's boundary commit the file's oldest
// known version is at, nil when its history is complete.
func (f *File) Boundary() *Commit {
	if len(f.Versions) == 0 || !f.Versions[len(f.Versions)-1].Boundary {
		return nil
	}
	return f.Versions[len(f.Versions)-1].Commit
}

// MailmapEntry is one mapping of a .mailmap file: commits by CommitEmail
// (and CommitName, when given) are shown as ProperName and ProperEmail
// (each "" when the line leaves it as it is).
type MailmapEntry struct {
	Line                    int
	ProperName, ProperEmail string
	CommitName, CommitEmail string
}

// BlobHash is the git blob id of content: the SHA-1 of "blob", its
// length and content, as git hash-object computes it.
func BlobHash(content []byte) Hash {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(content))
	h.Write(content)
	return Hash(hex.EncodeToString(h.Sum(nil)))
}
