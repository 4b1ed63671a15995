#pragma once

#include <QElapsedTimer>
#include <QList>

#include <algorithm>
#include <functional>

// The median wall time of `runs` runs of `work`, in milliseconds: benchmarks print medians, so
// one run disturbed by the machine's other work does not move the figure.
inline double medianMs(const std::function<void()> &work, int runs = 15)
{
    QList<double> times;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer t;
        t.start();
        work();
        times << double(t.nsecsElapsed()) / 1e6;
    }
    std::sort(times.begin(), times.end());
    return times.at(times.size() / 2);
}
