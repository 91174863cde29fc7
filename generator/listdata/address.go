package listdata

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"maps"
	"slices"
)

// MetaName is the name of the file that stays at the folder's top and
// names the build.
const MetaName = "meta.json"

// Address gives a folder of data files that the browser reads (a list's
// data, the search index) a build id: a hash of every file but
// the folder's meta.json, the files then living under <build>/. Static
// hosts let browsers cache files for minutes (Cache-Control: max-age=600);
// a page open across a redeploy would otherwise mix cached files of the
// old build with fetched ones of the new, and show wrong rows. With the
// files content-addressed, the browser fetches meta.json fresh, and every
// other file under the build it names: a file of another build is another
// URL, which is either the same bytes or absent (a 404, not a lie).
//
// Address returns the build id of files (every one but MetaName, names and
// contents) and files with each of them moved under <build>/. MetaName, when
// present, is not hashed and is left where it is: the caller writes the
// build into it.
func Address(files map[string][]byte) (string, map[string][]byte) {
	return address(files, nil)
}

// address is Address with salt hashed too: what else decides the files
// a build writes (a list's value layouts, made of files hashed).
func address(files map[string][]byte, salt []byte) (string, map[string][]byte) {
	h := sha256.New()
	h.Write(salt)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if name == MetaName {
			continue
		}
		// Lengths first, so that no two sets of files hash alike by
		// moving bytes between a name and a content.
		h.Write(binary.AppendUvarint(nil, uint64(len(name))))
		h.Write([]byte(name))
		h.Write(binary.AppendUvarint(nil, uint64(len(files[name]))))
		h.Write(files[name])
	}
	build := hex.EncodeToString(h.Sum(nil))[:16]
	out := make(map[string][]byte, len(files))
	for name, data := range files {
		if name == MetaName {
			out[name] = data
			continue
		}
		out[build+"/"+name] = data
	}
	return build, out
}
