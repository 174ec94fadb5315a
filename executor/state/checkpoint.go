package state

import (
	"encoding/json"
	"fmt"
	"maps"
)

// Checkpoint is what a task has durably processed: the next input offset
// per topic and partition, and the next changelog offset per store (the
// offset after the last changelog record the local state already holds).
type Checkpoint struct {
	Inputs     map[string]map[int32]int64 `json:"inputs,omitempty"`
	Changelogs map[string]int64           `json:"changelogs,omitempty"`
}

// Clone returns a deep copy, so that callers can keep a checkpoint while
// the task moves on.
func (c Checkpoint) Clone() Checkpoint {
	out := Checkpoint{}
	if c.Inputs != nil {
		out.Inputs = make(map[string]map[int32]int64, len(c.Inputs))
		for t, ps := range c.Inputs {
			out.Inputs[t] = maps.Clone(ps)
		}
	}
	out.Changelogs = maps.Clone(c.Changelogs)
	return out
}

// merge overlays next on c. Entries absent from next are kept, because
// Restore advances one store's changelog offset at a time and must not be
// undone by a Commit whose caller only knows the input offsets.
func (c Checkpoint) merge(next Checkpoint) Checkpoint {
	out := c.Clone()
	for t, ps := range next.Inputs {
		if out.Inputs == nil {
			out.Inputs = make(map[string]map[int32]int64)
		}
		if out.Inputs[t] == nil {
			out.Inputs[t] = make(map[int32]int64, len(ps))
		}
		maps.Copy(out.Inputs[t], ps)
	}
	for s, o := range next.Changelogs {
		if out.Changelogs == nil {
			out.Changelogs = make(map[string]int64)
		}
		out.Changelogs[s] = o
	}
	return out
}

// JSON keeps the checkpoint readable with any Pebble tool; it is written
// once per commit, so its cost is amortized over the commit interval.
func encodeCheckpoint(c Checkpoint) ([]byte, error) {
	return json.Marshal(c)
}

func decodeCheckpoint(b []byte) (Checkpoint, error) {
	var c Checkpoint
	if err := json.Unmarshal(b, &c); err != nil {
		return Checkpoint{}, fmt.Errorf("state: decoding checkpoint: %w", err)
	}
	return c, nil
}
