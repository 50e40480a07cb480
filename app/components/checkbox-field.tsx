import type { InputHTMLAttributes } from "react";

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, "type"> & { label: string };

export function CheckboxField({ label, className, ...input }: Props) {
  return (
    <label className={`flex items-center gap-2 text-sm text-slate-700 ${className ?? ""}`}>
      <input type="checkbox" className="h-4 w-4 rounded border-stone-300 accent-slate-900" {...input} />
      {label}
    </label>
  );
}
