import Link from "next/link";
import { redirect } from "next/navigation";
import { type ReactNode, Suspense } from "react";
import { currentUser } from "../../server/auth/current-user.ts";
import { newestNotificationId } from "../../server/notifications/list-notifications.ts";
import { KeyboardShortcuts } from "../components/keyboard-shortcuts.tsx";
import { LiveUpdates } from "../components/live-updates.tsx";
import { Logo } from "../components/logo.tsx";
import { NavDrawer } from "../components/nav-drawer.tsx";
import { NotificationBell } from "../components/notification-bell.tsx";
import { getT } from "../i18n/server.ts";
import { AppNav } from "./app-nav.tsx";
import { ApprovalsNav } from "./approvals-nav.tsx";
import { AvailabilityToggle } from "./availability-toggle.tsx";
import { SearchBox } from "./search-box.tsx";
import { SignOutButton } from "./sign-out-button.tsx";

// The signed-in shell. Pages inside re-check what they show through tRPC;
// this check only decides between the shell and the sign-in page.
export default async function AppLayout({ children }: { children: ReactNode }) {
  const user = await currentUser();
  if (!user) redirect("/sign-in");
  const [t, newestNoticeId] = await Promise.all([getT(), newestNotificationId(user.id)]);
  return (
    <div className="flex min-h-screen flex-col md:flex-row">
      <LiveUpdates />
      <NavDrawer brand={<Logo />}>
        <Suspense>
          <SearchBox />
        </Suspense>
        <AppNav isAdmin={user.role === "admin"} />
        <ApprovalsNav />
        <div className="mt-1 px-3">
          <NotificationBell newestNoticeId={newestNoticeId} />
        </div>
        <div className="mt-auto border-t border-stone-200 px-5 py-4">
          <p className="truncate text-sm font-medium" title={user.name}>
            {user.name}
          </p>
          <p className="truncate text-xs text-slate-500" title={user.email} data-testid="current-user-email">
            {user.email}
          </p>
          <Link href="/settings" className="mt-1 block text-xs text-slate-500 hover:text-slate-900">
            {t("shell.settings")}
          </Link>
          <KeyboardShortcuts />
          <AvailabilityToggle />
          <SignOutButton />
        </div>
      </NavDrawer>
      <main className="min-w-0 flex-1 px-3 py-4 sm:px-6 md:px-10 md:py-8">{children}</main>
    </div>
  );
}
