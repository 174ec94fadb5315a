package ops

import (
	"context"
	"encoding/binary"
)

// foreignKey runs a foreign-key table-table join. Left rows are stored by
// their key and indexed by the right key they refer to; a right update
// re-joins every left row in its index range.
func (j *join) foreignKey(ctx context.Context, side int, r *Record, kb []byte) error {
	if side == 1 {
		return j.foreignKeyRight(ctx, r, kb)
	}
	_, old, hadOld, err := j.lookup(0, kb)
	if err != nil {
		return err
	}
	var oldFK []byte
	if hadOld {
		if oldFK, err = j.fkBytes(old); err != nil {
			return err
		}
		if oldFK != nil {
			if err := j.index.Delete(indexKey(oldFK, orderKey(old[:j.keyCount(0)], kb))); err != nil {
				return err
			}
		}
	}
	if err := j.update(0, r, kb); err != nil {
		return err
	}
	if r.Tombstone {
		return j.fkTombstone(ctx, r.Row[:j.keyCount(0)], r.Timestamp, r)
	}
	fk, err := j.fkBytes(r.Row)
	if err != nil {
		return err
	}
	var right []any
	ts := r.Timestamp
	if fk != nil {
		if err := j.index.Put(indexKey(fk, orderKey(r.Row[:j.keyCount(0)], kb)), kb); err != nil {
			return err
		}
		rts, row, found, err := j.lookup(1, fk)
		if err != nil {
			return err
		}
		if found {
			right, ts = row, max(ts, rts)
		}
	}
	if right != nil || j.step.Type == "LEFT" {
		return j.emit(ctx, r.Row, right, ts, r)
	}
	// No match: a result the row had through its previous key is gone.
	if hadOld && oldFK != nil {
		if _, _, found, err := j.lookup(1, oldFK); err != nil || found {
			if err != nil {
				return err
			}
			return j.fkTombstone(ctx, r.Row[:j.keyCount(0)], ts, r)
		}
	}
	return nil
}

func (j *join) foreignKeyRight(ctx context.Context, r *Record, kb []byte) error {
	if err := j.update(1, r, kb); err != nil {
		return err
	}
	prefix := indexPrefix(kb)
	var lefts [][]byte
	if err := j.index.Range(prefix, prefixEnd(prefix), func(_, v []byte) bool {
		lefts = append(lefts, append([]byte(nil), v...))
		return true
	}); err != nil {
		return err
	}
	for _, lk := range lefts {
		lts, left, found, err := j.lookup(0, lk)
		if err != nil {
			return err
		}
		if !found {
			continue
		}
		ts := max(lts, r.Timestamp)
		switch {
		case !r.Tombstone:
			err = j.emit(ctx, left, r.Row, ts, r)
		case j.step.Type == "LEFT":
			err = j.emit(ctx, left, nil, ts, r)
		default:
			err = j.fkTombstone(ctx, left[:j.keyCount(0)], ts, r)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// fkBytes encodes the right key a left row refers to; nil when NULL.
func (j *join) fkBytes(left []any) ([]byte, error) {
	v, err := j.fk(left)
	if err != nil || v == nil {
		return nil, err
	}
	return j.keys[1].encode([]any{v})
}

func (j *join) fkTombstone(ctx context.Context, key []any, ts int64, src *Record) error {
	tomb := &Record{Row: make([]any, len(j.step.Out.Columns)), Timestamp: ts, Tombstone: true, Partition: src.Partition, Offset: src.Offset}
	copy(tomb.Row, key)
	return j.next.Process(ctx, tomb)
}

// orderKey encodes a left key so that index entries sort as Kafka Streams
// sorts them (by serialized key: numbers in numeric order, column by
// column); enc is the key's own encoding, used for anything else.
func orderKey(key []any, enc []byte) []byte {
	out := make([]byte, 0, 8*len(key))
	for _, k := range key {
		var n int64
		switch v := k.(type) {
		case int32:
			n = int64(v)
		case int64:
			n = v
		default:
			return enc
		}
		out = binary.BigEndian.AppendUint64(out, uint64(n)^(1<<63))
	}
	return out
}

// indexKey orders index entries by right key, then left key; the right
// key is length-prefixed so one key's entries form one range.
func indexKey(fk, left []byte) []byte {
	return append(indexPrefix(fk), left...)
}

func indexPrefix(fk []byte) []byte {
	out := make([]byte, 0, len(fk)+4)
	out = append(out, byte(len(fk)>>24), byte(len(fk)>>16), byte(len(fk)>>8), byte(len(fk)))
	return append(out, fk...)
}

func prefixEnd(p []byte) []byte {
	end := append([]byte(nil), p...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}
