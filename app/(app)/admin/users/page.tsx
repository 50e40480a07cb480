import type { Metadata } from "next";
import { serverCaller } from "../../../../server/api/server-caller.ts";
import { LocalTime } from "../../../components/local-time.tsx";
import { getT } from "../../../i18n/server.ts";
import { Panel } from "../panel.tsx";
import { requireAdmin } from "../require-admin.ts";
import { AddUserForm } from "./add-user-form.tsx";
import { InviteUserForm } from "./invite-user-form.tsx";
import { LoginAttacks } from "./login-attacks.tsx";
import { UserActions } from "./user-actions.tsx";
import { UserManage } from "./user-manage.tsx";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getT())("admin.users") };
}

export default async function UsersPage() {
  const admin = await requireAdmin();
  const t = await getT();
  const caller = await serverCaller();
  const [users, attacks] = await Promise.all([caller.admin.users.list(), caller.admin.users.loginAttacks()]);
  return (
    <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
      <div className="space-y-6">
        <Panel id="users" title={t("admin.users")}>
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="text-xs tracking-wide text-slate-500 uppercase">
                <tr>
                  <th scope="col" className="pb-2 font-medium">
                    {t("admin.name")}
                  </th>
                  <th scope="col" className="pb-2 font-medium">
                    {t("admin.email")}
                  </th>
                  <th scope="col" className="pb-2 font-medium">
                    {t("admin.role")}
                  </th>
                  <th scope="col" className="pb-2 font-medium">
                    {t("admin.personalMailbox")}
                  </th>
                  <th scope="col" className="pb-2 font-medium">
                    {t("users.lastSignIn")}
                  </th>
                  <th scope="col" className="pb-2 text-right font-medium">
                    {t("admin.actions")}
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-stone-100">
                {users.map((user) => (
                  <tr key={user.id}>
                    <td className="py-2.5 pr-3 font-medium">{user.name}</td>
                    <td className="py-2.5 pr-3 text-slate-600">{user.email}</td>
                    <td className="py-2.5 pr-3">
                      <span
                        className={`rounded-full px-2 py-0.5 text-xs ${user.role === "admin" ? "bg-slate-900 text-white" : "bg-stone-100 text-slate-700"}`}
                      >
                        {t(user.role === "admin" ? "admin.roleAdmin" : "admin.roleAgent")}
                      </span>
                      {user.disabled ? <span className="ml-2 text-xs text-rose-700">{t("admin.disabled")}</span> : null}
                      {user.invited ? (
                        <span className="ml-2 text-xs text-amber-700">{t("users.invitedBadge")}</span>
                      ) : null}
                    </td>
                    <td className="py-2.5 pr-3 text-slate-500">{user.personalMailbox ?? "—"}</td>
                    <td className="py-2.5 pr-3 text-slate-500">
                      {user.lastSignInAt ? <LocalTime iso={user.lastSignInAt.toISOString()} /> : t("users.never")}
                    </td>
                    <td className="py-2.5 align-top">
                      <UserActions user={user} self={user.id === admin.id} />
                      <UserManage
                        user={user}
                        self={user.id === admin.id}
                        others={users.filter((u) => u.id !== user.id && !u.disabled)}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Panel>
        <Panel id="login-attacks" title={t("admin.loginAttacks")}>
          <LoginAttacks summary={attacks} />
        </Panel>
      </div>
      <div className="space-y-6">
        <Panel id="add-user" title={t("admin.addAUser")}>
          <AddUserForm />
        </Panel>
        <Panel id="invite-user" title={t("users.inviteAUser")}>
          <InviteUserForm />
        </Panel>
      </div>
    </div>
  );
}
