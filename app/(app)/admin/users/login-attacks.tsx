import type { LoginAttackSummary } from "../../../../server/auth/login-attacks.ts";
import { LocalTime } from "../../../components/local-time.tsx";
import { getT } from "../../../i18n/server.ts";

/** Who is being attacked right now (server/auth/login-attacks.ts): logins, and client addresses locked out. */
export async function LoginAttacks({ summary }: { summary: LoginAttackSummary }) {
  const t = await getT();
  if (summary.logins.length === 0 && summary.addresses.length === 0) {
    return (
      <p className="text-sm text-slate-500" data-testid="login-attacks">
        {t("admin.attacksNone")}
      </p>
    );
  }
  return (
    <div className="space-y-3 text-sm" data-testid="login-attacks">
      <p className="text-slate-600">{t("admin.attacksHint")}</p>
      {summary.logins.length ? (
        <ul className="divide-y divide-stone-100">
          {summary.logins.map((l) => (
            <li key={l.login} className="py-2">
              <span className="font-medium text-slate-900">{l.login}</span>
              <span className="ml-2 text-slate-600">
                {t("admin.attackLogin", { attempts: l.attempts, refused: l.refused, addresses: l.addresses })}
              </span>
              {l.lockedUntil ? (
                <span className="ml-2 text-rose-700">
                  {t("admin.attackClosedUntil")} <LocalTime iso={l.lockedUntil.toISOString()} style="full" />
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {summary.addresses.length ? (
        <ul className="divide-y divide-stone-100">
          {summary.addresses.map((a) => (
            <li key={a.address} className="py-2">
              <span className="font-mono text-slate-900">{a.address}</span>
              <span className="ml-2 text-slate-600">
                {t("admin.attackAddress", { attempts: a.attempts, refused: a.refused })}
              </span>
              <span className="ml-2 text-rose-700">
                {t("admin.attackLockedUntil")} <LocalTime iso={a.lockedUntil.toISOString()} style="full" />
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
