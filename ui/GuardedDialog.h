#pragma once

#include <QDialog>
#include <QVariantList>

namespace orteam {

// A dialog that does not lose what was typed into it. Esc, Cancel or Close, and the window's close
// button all end in reject(); this asks first when closing would lose something (by default: any
// input differs from when markClean() was last called), and stays open unless the answer is
// Discard. Accepting (Save, Create) is not asked about: it is what the person meant.
class GuardedDialog : public QDialog
{
    Q_OBJECT

public:
    explicit GuardedDialog(QWidget *parent = nullptr) : QDialog(parent) {}

    void reject() override;
    // Something typed, ticked or picked since markClean().
    virtual bool hasUnsavedChanges() const;
    // Asks whether to drop the unsaved changes (true: go ahead), or answers true at once when
    // there are none. For a dialog that replaces its form without closing (another tier picked).
    bool confirmDiscard();

    // Left out of hasUnsavedChanges(): inputs that only narrow what is shown (a filter), not edits.
    static void ignoreForChanges(QWidget *input);

protected:
    // The current inputs become what "unchanged" means: after building the form, loading a
    // record into it, or saving it.
    void markClean();
    // The question closing asks, empty when nothing would be lost.
    virtual QString closeQuestion() const;

private:
    QVariantList inputState() const;
    QVariantList m_clean;
};

} // namespace orteam
