// The reader's language and time zone for server components: getT() gives the
// translate function; the root layout hands the same to the client provider.
import { headers } from "next/headers";
import { cache } from "react";
import { currentUser } from "../../server/auth/current-user.ts";
import { userPreferences } from "../../server/users/set-preferences.ts";
import { chooseLocale } from "./locale.ts";
import { en } from "./messages-en.ts";
import { ja } from "./messages-ja.ts";
import { type Locale, type Messages, makeT, type T } from "./translate.ts";

export const MESSAGES: Record<Locale, Messages> = { en, ja };

export const getI18n = cache(
  async (): Promise<{ locale: Locale; timeZone: string | null; messages: Messages; t: T }> => {
    const [user, requestHeaders] = await Promise.all([currentUser(), headers()]);
    const prefs = user ? await userPreferences(user.id) : { locale: null, timeZone: null };
    const locale = chooseLocale(prefs.locale, requestHeaders.get("accept-language"));
    const messages = MESSAGES[locale];
    return { locale, timeZone: prefs.timeZone, messages, t: makeT(messages) };
  },
);

export async function getT(): Promise<T> {
  return (await getI18n()).t;
}
