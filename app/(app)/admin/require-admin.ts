import { notFound } from "next/navigation";
import { currentUser } from "../../../server/auth/current-user.ts";

/** Admin pages do not exist for anyone else; the admin procedures refuse them too. */
export async function requireAdmin() {
  const user = await currentUser();
  if (user?.role !== "admin") notFound();
  return user;
}
