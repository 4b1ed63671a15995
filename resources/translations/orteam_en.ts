<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>orteam::ActivitySync</name>
    <message numerus="yes">
        <source>Activity synced: %n key(s), %1 day-model rows for the account.</source>
        <translation>
            <numerusform>Activity synced: %n key, %1 day-model rows for the account.</numerusform>
            <numerusform>Activity synced: %n keys, %1 day-model rows for the account.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>orteam::AuditPage</name>
    <message numerus="yes">
        <source>Exported %n entries to %1.</source>
        <translation>
            <numerusform>Exported %n entry to %1.</numerusform>
            <numerusform>Exported %n entries to %1.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>orteam::GuardrailDialog</name>
    <message numerus="yes">
        <source>%n change(s) will make OpenRouter enforce the tiers:</source>
        <translation>
            <numerusform>%n change will make OpenRouter enforce the tiers:</numerusform>
            <numerusform>%n changes will make OpenRouter enforce the tiers:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Applied %n change(s) to OpenRouter&apos;s guardrails.</source>
        <translation>
            <numerusform>Applied %n change to OpenRouter&apos;s guardrails.</numerusform>
            <numerusform>Applied %n changes to OpenRouter&apos;s guardrails.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>orteam::KeyActions</name>
    <message numerus="yes">
        <source>Revoke %n keys (spent %1 together)?</source>
        <translation>
            <numerusform>Revoke %n key (spent %1)?</numerusform>
            <numerusform>Revoke %n keys (spent %1 together)?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n key(s) could not be revoked and are still active. </source>
        <translation>
            <numerusform>%n key could not be revoked and is still active. </numerusform>
            <numerusform>%n keys could not be revoked and are still active. </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Revoked %n key(s).</source>
        <translation>
            <numerusform>Revoked %n key.</numerusform>
            <numerusform>Revoked %n keys.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>orteam::KeyListController</name>
    <message numerus="yes">
        <source>%n min ago</source>
        <translation>
            <numerusform>%n min ago</numerusform>
            <numerusform>%n min ago</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n h ago</source>
        <translation>
            <numerusform>%n h ago</numerusform>
            <numerusform>%n h ago</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n day(s) ago</source>
        <translation>
            <numerusform>%n day ago</numerusform>
            <numerusform>%n days ago</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>orteam::KeysPage</name>
    <message numerus="yes">
        <source> + %n without a limit</source>
        <translation>
            <numerusform> + %n without a limit</numerusform>
            <numerusform> + %n without a limit</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n key(s) shown</source>
        <translation>
            <numerusform>%n key shown</numerusform>
            <numerusform>%n keys shown</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 of %n key(s) shown</source>
        <translation>
            <numerusform>%1 of %n key shown</numerusform>
            <numerusform>%1 of %n keys shown</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>orteam::MainWindow</name>
    <message numerus="yes">
        <source>orteam: %n alert(s)</source>
        <translation>
            <numerusform>orteam: %n alert</numerusform>
            <numerusform>orteam: %n alerts</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n alert(s)</source>
        <translation>
            <numerusform>%n alert</numerusform>
            <numerusform>%n alerts</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n key(s) with a critical finding</source>
        <translation>
            <numerusform>%n key with a critical finding</numerusform>
            <numerusform>%n keys with a critical finding</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>orteam::MemberDialog</name>
    <message numerus="yes">
        <source>%n model(s)</source>
        <translation>
            <numerusform>%n model</numerusform>
            <numerusform>%n models</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 of %n key(s) selected</source>
        <translation>
            <numerusform>%1 of %n key selected</numerusform>
            <numerusform>%1 of %n keys selected</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>orteam::MemberLinkDialog</name>
    <message numerus="yes">
        <source>%n link(s) to save. Linked members are bound as people (across all their keys) when tiers are applied.</source>
        <translation>
            <numerusform>%n link to save. Linked members are bound as people (across all their keys) when tiers are applied.</numerusform>
            <numerusform>%n links to save. Linked members are bound as people (across all their keys) when tiers are applied.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Saved %n link(s) to OpenRouter users. Apply tiers to OpenRouter to bind them as people.</source>
        <translation>
            <numerusform>Saved %n link to OpenRouter users. Apply tiers to OpenRouter to bind them as people.</numerusform>
            <numerusform>Saved %n links to OpenRouter users. Apply tiers to OpenRouter to bind them as people.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>orteam::ReportsPage</name>
    <message numerus="yes">
        <source>&lt;b&gt;%1 to %2 (UTC)&lt;/b&gt;: team total &lt;b&gt;%3&lt;/b&gt;; the %4 days before %5 (%6); next %4 days forecast &lt;b&gt;%7&lt;/b&gt;. %n member(s).</source>
        <translation>
            <numerusform>&lt;b&gt;%1 to %2 (UTC)&lt;/b&gt;: team total &lt;b&gt;%3&lt;/b&gt;; the %4 days before %5 (%6); next %4 days forecast &lt;b&gt;%7&lt;/b&gt;. %n member.</numerusform>
            <numerusform>&lt;b&gt;%1 to %2 (UTC)&lt;/b&gt;: team total &lt;b&gt;%3&lt;/b&gt;; the %4 days before %5 (%6); next %4 days forecast &lt;b&gt;%7&lt;/b&gt;. %n members.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>&lt;b&gt;%1 to %2 (UTC), %3 days&lt;/b&gt;: team total &lt;b&gt;%4&lt;/b&gt;; %5: %6 (%7); %8 forecast &lt;b&gt;%9&lt;/b&gt;. %n member(s).</source>
        <translation>
            <numerusform>&lt;b&gt;%1 to %2 (UTC), %3 days&lt;/b&gt;: team total &lt;b&gt;%4&lt;/b&gt;; %5: %6 (%7); %8 forecast &lt;b&gt;%9&lt;/b&gt;. %n member.</numerusform>
            <numerusform>&lt;b&gt;%1 to %2 (UTC), %3 days&lt;/b&gt;: team total &lt;b&gt;%4&lt;/b&gt;; %5: %6 (%7); %8 forecast &lt;b&gt;%9&lt;/b&gt;. %n members.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>orteam::RosterImportDialog</name>
    <message numerus="yes">
        <source>revokes %n key(s); %1</source>
        <translation>
            <numerusform>revokes %n key; %1</numerusform>
            <numerusform>revokes %n keys; %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Offboard %n member(s) and revoke all their keys?</source>
        <translation>
            <numerusform>Offboard %n member and revoke all their keys?</numerusform>
            <numerusform>Offboard %n members and revoke all their keys?</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>orteam::SpendPage</name>
    <message numerus="yes">
        <source>… and %n more.</source>
        <translation>
            <numerusform>… and %n more.</numerusform>
            <numerusform>… and %n more.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>and %n more (Show as table lists them all)</source>
        <translation>
            <numerusform>and %n more (Show as table lists them all)</numerusform>
            <numerusform>and %n more (Show as table lists them all)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>orteam::TeamPage</name>
    <message numerus="yes">
        <source>%n member(s), %1 active · %2 today · %3 in the last 7 days (UTC)</source>
        <translation>
            <numerusform>%n member, %1 active · %2 today · %3 in the last 7 days (UTC)</numerusform>
            <numerusform>%n members, %1 active · %2 today · %3 in the last 7 days (UTC)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n member(s) now on the %1 tier. Apply tiers to OpenRouter to enforce it there.</source>
        <translation>
            <numerusform>%n member now on the %1 tier. Apply tiers to OpenRouter to enforce it there.</numerusform>
            <numerusform>%n members now on the %1 tier. Apply tiers to OpenRouter to enforce it there.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Offboard %1 and revoke %n key(s)?</source>
        <translation>
            <numerusform>Offboard %1 and revoke %n key?</numerusform>
            <numerusform>Offboard %1 and revoke %n keys?</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>orteam::WorkspaceBudgetDialog</name>
    <message numerus="yes">
        <source>%n change(s) to apply:</source>
        <translation>
            <numerusform>%n change to apply:</numerusform>
            <numerusform>%n changes to apply:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>These budgets would have refused %1 on %n day(s): %2.</source>
        <translation>
            <numerusform>These budgets would have refused %1 on %n day: %2.</numerusform>
            <numerusform>These budgets would have refused %1 on %n days: %2.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Applied %n budget change(s) to %1.</source>
        <translation>
            <numerusform>Applied %n budget change to %1.</numerusform>
            <numerusform>Applied %n budget changes to %1.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>orteam::WorkspacesPage</name>
    <message numerus="yes">
        <source>%n workspace(s). Spend is what their keys spent, from the team database.</source>
        <translation>
            <numerusform>%n workspace. Spend is what their keys spent, from the team database.</numerusform>
            <numerusform>%n workspaces. Spend is what their keys spent, from the team database.</numerusform>
        </translation>
    </message>
</context>
</TS>
