#pragma once

#include <QDialog>

namespace orteam {

// Version, git revision and what the program is for; what a bug report needs to quote.
class AboutDialog final : public QDialog
{
    Q_OBJECT

public:
    explicit AboutDialog(QWidget *parent = nullptr);
    static QString versionText(); // "0.1.0 (rev abc1234567)"
};

} // namespace orteam
