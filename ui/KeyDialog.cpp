#include "KeyDialog.h"
#include "Theme.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTimeZone>
#include <QVBoxLayout>

namespace orteam {

KeyDialog::KeyDialog(Mode mode, std::function<bool(const QString &)> nameTaken, const QDateTime &now, QWidget *parent)
    : GuardedDialog(parent), m_mode(mode), m_nameTaken(std::move(nameTaken)), m_now(now)
{
    setObjectName(mode == Mode::Create ? QStringLiteral("createKeyDialog") : QStringLiteral("editKeyDialog"));
    setWindowTitle(mode == Mode::Create ? tr("New key") : tr("Edit key"));

    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("keyNameLineEdit"));
    m_name->setPlaceholderText(tr("e.g. alice-backend"));
    m_name->setMaxLength(MaxKeyNameLength + 20); // room to show the "too long" message

    m_hasLimit = new QCheckBox(tr("Credit limit"), this);
    m_hasLimit->setObjectName(QStringLiteral("keyLimitCheckBox"));
    m_limit = new QDoubleSpinBox(this);
    m_limit->setObjectName(QStringLiteral("keyLimitSpinBox"));
    m_limit->setPrefix(QStringLiteral("$ "));
    m_limit->setDecimals(2);
    m_limit->setRange(0, MaxCreditLimitUsd);
    m_limit->setValue(25);
    m_limit->setEnabled(false);
    m_reset = new QComboBox(this);
    m_reset->setObjectName(QStringLiteral("keyResetComboBox"));
    m_reset->addItem(tr("Never resets"), int(LimitReset::None));
    m_reset->addItem(tr("Resets daily"), int(LimitReset::Daily));
    m_reset->addItem(tr("Resets weekly (Monday)"), int(LimitReset::Weekly));
    m_reset->addItem(tr("Resets monthly"), int(LimitReset::Monthly));
    m_reset->setEnabled(false);
    auto *limitRow = new QHBoxLayout;
    limitRow->addWidget(m_hasLimit);
    limitRow->addWidget(m_limit, 1);
    limitRow->addWidget(m_reset);

    auto *form = new QFormLayout;
    form->addRow(tr("Name"), m_name);
    form->addRow(tr("Limit"), limitRow);
    if (mode == Mode::Create) {
        m_hasExpiry = new QCheckBox(tr("Expires at the end of"), this);
        m_hasExpiry->setObjectName(QStringLiteral("keyExpiryCheckBox"));
        m_expiry = new QDateEdit(this);
        m_expiry->setObjectName(QStringLiteral("keyExpiryDateEdit"));
        m_expiry->setCalendarPopup(true);
        m_expiry->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
        m_expiry->setMinimumDate(now.toUTC().date());
        m_expiry->setDate(now.toUTC().date().addDays(90));
        m_expiry->setEnabled(false);
        auto *expiryRow = new QHBoxLayout;
        expiryRow->addWidget(m_hasExpiry);
        expiryRow->addWidget(m_expiry, 1);
        expiryRow->addWidget(new QLabel(tr("(UTC)"), this));
        form->addRow(tr("Expiry"), expiryRow);
        connect(m_hasExpiry, &QCheckBox::toggled, m_expiry, &QWidget::setEnabled);
        connect(m_hasExpiry, &QCheckBox::toggled, this, &KeyDialog::revalidate);
        connect(m_expiry, &QDateEdit::dateChanged, this, &KeyDialog::revalidate);
    }
    m_byok = new QCheckBox(tr("Count bring-your-own-key usage against the limit"), this);
    m_byok->setObjectName(QStringLiteral("keyByokCheckBox"));
    form->addRow(QString(), m_byok);

    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("keyDialogMessageLabel"));
    m_message->setWordWrap(true);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_buttons->setObjectName(QStringLiteral("keyDialogButtonBox"));
    m_ok = m_buttons->addButton(mode == Mode::Create ? tr("Create key") : tr("Save"), QDialogButtonBox::AcceptRole);
    m_ok->setObjectName(mode == Mode::Create ? QStringLiteral("createKeyButton") : QStringLiteral("saveKeyButton"));
    m_ok->setDefault(true);
    m_buttons->button(QDialogButtonBox::Cancel)->setObjectName(QStringLiteral("cancelKeyButton"));
    // Accepting does not close: the owner closes the dialog once OpenRouter has agreed.
    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        if (validationError().isEmpty())
            Q_EMIT submitted();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_message);
    layout->addWidget(m_buttons);
    setMinimumWidth(520);

    connect(m_name, &QLineEdit::textChanged, this, &KeyDialog::revalidate);
    connect(m_hasLimit, &QCheckBox::toggled, this, [this](bool on) {
        m_limit->setEnabled(on);
        m_reset->setEnabled(on);
        revalidate();
    });
    connect(m_limit, &QDoubleSpinBox::valueChanged, this, &KeyDialog::revalidate);
    // An edit of only the reset period or the BYOK rule is a change Save must take.
    connect(m_reset, &QComboBox::currentIndexChanged, this, &KeyDialog::revalidate);
    connect(m_byok, &QCheckBox::toggled, this, &KeyDialog::revalidate);
    revalidate();
    markClean();
}

void KeyDialog::setKey(const ApiKey &key)
{
    m_original = key;
    m_name->setText(key.name);
    m_hasLimit->setChecked(key.limit.has_value());
    if (key.limit)
        m_limit->setValue(*key.limit);
    m_reset->setCurrentIndex(m_reset->findData(int(key.limitReset)));
    m_byok->setChecked(key.includeByokInLimit);
    revalidate();
    markClean(); // the key as it is: only what is changed from here is an edit
}

std::optional<double> KeyDialog::limitValue() const
{
    return m_hasLimit->isChecked() ? std::optional<double>(m_limit->value()) : std::nullopt;
}

LimitReset KeyDialog::resetValue() const
{
    return m_hasLimit->isChecked() ? LimitReset(m_reset->currentData().toInt()) : LimitReset::None;
}

NewKeySpec KeyDialog::spec() const
{
    NewKeySpec s;
    s.name = m_name->text().trimmed();
    s.limit = limitValue();
    s.limitReset = resetValue();
    s.includeByokInLimit = m_byok->isChecked();
    if (m_hasExpiry && m_hasExpiry->isChecked())
        s.expiresAt = QDateTime(m_expiry->date(), QTime(23, 59, 59), QTimeZone::utc());
    return s;
}

KeyUpdate KeyDialog::update() const
{
    KeyUpdate u;
    const QString name = m_name->text().trimmed();
    if (name != m_original.name)
        u.name = name;
    if (limitValue() != m_original.limit)
        u.limit = limitValue();
    if (resetValue() != m_original.limitReset)
        u.limitReset = resetValue();
    if (m_byok->isChecked() != m_original.includeByokInLimit)
        u.includeByokInLimit = m_byok->isChecked();
    return u;
}

QString KeyDialog::validationError() const
{
    if (m_mode == Mode::Edit) {
        if (const QString e = validateKeyName(m_name->text()); !e.isEmpty())
            return e;
        return limitValue() ? validateCreditLimit(*limitValue()) : QString();
    }
    return validate(spec(), m_now);
}

void KeyDialog::revalidate()
{
    const QString error = validationError();
    bool changed = true;
    if (m_mode == Mode::Edit)
        changed = !update().isEmpty();
    m_ok->setEnabled(error.isEmpty() && changed);
    theme::styleToneText(m_message, error.isEmpty() ? theme::Tone::Warn : theme::Tone::Over);
    const QString name = m_name->text().trimmed();
    if (!error.isEmpty() && !m_name->text().isEmpty())
        m_message->setText(error);
    else if (error.isEmpty() && name != m_original.name && m_nameTaken && m_nameTaken(name))
        m_message->setText(tr("Another key is already named \"%1\". That is allowed, but easy to confuse.").arg(name));
    else
        m_message->clear();
}

void KeyDialog::setBusy(bool busy)
{
    m_ok->setEnabled(!busy && validationError().isEmpty());
    m_ok->setText(busy ? tr("Working…") : (m_mode == Mode::Create ? tr("Create key") : tr("Save")));
    for (QWidget *w : {static_cast<QWidget *>(m_name), static_cast<QWidget *>(m_hasLimit), static_cast<QWidget *>(m_byok)})
        w->setEnabled(!busy);
}

void KeyDialog::showError(const QString &message)
{
    setBusy(false);
    theme::styleToneText(m_message, theme::Tone::Over);
    m_message->setText(message);
}

} // namespace orteam
