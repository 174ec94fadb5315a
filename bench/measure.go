package main

import (
	"bufio"
	"os"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// sample is a point of process resource use.
type sample struct {
	wall   time.Time
	cpu    time.Duration // user + sys of the whole process
	maxRSS int64         // getrusage ru_maxrss, bytes, process lifetime
}

func now() sample {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return sample{wall: time.Now(), cpu: cpu, maxRSS: ru.Maxrss * 1024}
}

// resetPeakRSS resets the kernel's VmHWM of the process (Linux
// /proc/self/clear_refs, value 5), so peakRSS reports the peak of one
// phase rather than of the whole run. It reports whether that worked.
func resetPeakRSS() bool {
	debug.FreeOSMemory()
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// peakRSS returns VmHWM in bytes, or ru_maxrss when /proc is unavailable.
func peakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return now().maxRSS
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			fs := strings.Fields(v)
			if len(fs) > 0 {
				kb, _ := strconv.ParseInt(fs[0], 10, 64)
				return kb * 1024
			}
		}
	}
	return now().maxRSS
}

// percentile of sorted durations, in milliseconds.
func percentile(d []time.Duration, p float64) float64 {
	if len(d) == 0 {
		return 0
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	i := int(p * float64(len(d)-1))
	return float64(d[i]) / float64(time.Millisecond)
}

// machine describes the host.
type machine struct {
	CPU       string `json:"cpu"`
	Cores     int    `json:"cores"`
	GoVersion string `json:"go_version"`
	OS        string `json:"os"`
	Date      string `json:"date"`
	MemTotal  string `json:"mem_total"`
}

func describeMachine() machine {
	m := machine{Cores: runtime.NumCPU(), GoVersion: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH,
		Date: time.Now().UTC().Format("2006-01-02 15:04 UTC")}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "MemTotal:"); ok {
				m.MemTotal = strings.TrimSpace(v)
			}
		}
	}
	return m
}

// settle waits until the process is nearly idle (under a quarter of a
// core for 250 ms), at most limit, so that work left over from one phase
// (such as pull queries whose clients gave up) is not charged to the next.
// It returns how long it waited.
func settle(limit time.Duration) time.Duration {
	start := time.Now()
	for time.Since(start) < limit {
		a := now()
		time.Sleep(250 * time.Millisecond)
		b := now()
		if b.cpu-a.cpu < b.wall.Sub(a.wall)/4 {
			break
		}
	}
	return time.Since(start)
}
