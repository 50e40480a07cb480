import { redirect } from "next/navigation";
import { currentUser } from "../server/auth/current-user.ts";

export default async function Home() {
  redirect((await currentUser()) ? "/inbox" : "/sign-in");
}
