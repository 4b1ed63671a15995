#pragma once

#include <QString>

#include <optional>
#include <utility>

namespace orteam {

// Why a read or a write of the team database did not happen. Errors are values: a read that
// failed is never an empty list, and every caller sees which of these it was.
struct StoreError
{
    enum class Kind {
        NotFound, // the member, tier or row named does not exist
        Conflict, // it exists already, or something still depends on it
        Invalid,  // a value the database must not hold (a negative limit, a name with control characters, …)
        Database, // the database itself failed (gone, locked, damaged, a statement refused)
    };
    Kind kind = Kind::Database;
    QString message; // one sentence for a person
    bool damaged = false; // Database: the file itself is damaged or no database (restore a backup)

    static StoreError notFound(const QString &m) { return {Kind::NotFound, m}; }
    static StoreError conflict(const QString &m) { return {Kind::Conflict, m}; }
    static StoreError invalid(const QString &m) { return {Kind::Invalid, m}; }
    static StoreError database(const QString &m) { return {Kind::Database, m}; }
    static StoreError damagedFile(const QString &m) { return {Kind::Database, m, true}; }
};

// The value, or why there is none. [[nodiscard]]: ignoring a failed read is how a budget check
// once re-enabled an over-budget member's key.
template <typename T>
class [[nodiscard]] Result
{
public:
    Result(T value) : m_value(std::move(value)) {}
    Result(StoreError error) : m_error(std::move(error)) {}

    bool ok() const { return m_value.has_value(); }
    explicit operator bool() const { return ok(); }
    const T &value() const & { return *m_value; }
    T &value() & { return *m_value; }
    T &&value() && { return std::move(*m_value); }
    const T &operator*() const & { return *m_value; }
    T &operator*() & { return *m_value; }
    const T *operator->() const { return &*m_value; }
    T *operator->() { return &*m_value; }
    T valueOr(T fallback) const { return m_value ? *m_value : std::move(fallback); }
    const StoreError &error() const { return m_error; }
    QString errorText() const { return m_error.message; }

private:
    std::optional<T> m_value;
    StoreError m_error;
};

// A write that returns nothing but whether it happened.
template <>
class [[nodiscard]] Result<void>
{
public:
    Result() = default;
    Result(StoreError error) : m_failed(true), m_error(std::move(error)) {}

    bool ok() const { return !m_failed; }
    explicit operator bool() const { return ok(); }
    const StoreError &error() const { return m_error; }
    QString errorText() const { return m_error.message; }

private:
    bool m_failed = false;
    StoreError m_error;
};

using Status = Result<void>;

} // namespace orteam
