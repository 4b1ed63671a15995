#pragma once

#include "Command.h"

namespace orteam::cli {

// keys list: every key of the account, as a table, JSON or CSV.
class KeysList final : public Command
{
public:
    KeysList();
    int execute(Context &context, const Arguments &arguments) override;
};

// keys show KEY: one key in full.
class KeysShow final : public Command
{
public:
    KeysShow();
    int execute(Context &context, const Arguments &arguments) override;
};

// keys create NAME: a new key, its secret printed once.
class KeysCreate final : public Command
{
public:
    KeysCreate();
    int execute(Context &context, const Arguments &arguments) override;
};

// keys disable KEY and keys enable KEY: what they share (find the key, change it, say so).
class KeyDisabledChange : public Command
{
public:
    int execute(Context &context, const Arguments &arguments) override;

protected:
    KeyDisabledChange(const QString &word, const QString &summary, bool disable);

private:
    bool m_disable;
};

// keys disable KEY: the key stops working, and is kept.
class KeysDisable final : public KeyDisabledChange
{
public:
    KeysDisable();
};

// keys enable KEY: a disabled key works again.
class KeysEnable final : public KeyDisabledChange
{
public:
    KeysEnable();
};

// keys set-limit KEY USD|none: a key's credit limit and its reset.
class KeysSetLimit final : public Command
{
public:
    KeysSetLimit();
    int execute(Context &context, const Arguments &arguments) override;
};

// keys revoke KEY: the key deleted for good, after a confirmation.
class KeysRevoke final : public Command
{
public:
    KeysRevoke();
    int execute(Context &context, const Arguments &arguments) override;
};

} // namespace orteam::cli
